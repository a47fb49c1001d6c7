"""civicreader: read, search and quote an archive of blog posts from the terminal."""

__version__ = "0.1.0"
