from cinq.cli import main

main()
