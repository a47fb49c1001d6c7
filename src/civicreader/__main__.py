from civicreader.cli import main

main()
