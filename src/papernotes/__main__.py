from papernotes.cli.main import main

main()
