"""`python3 -m intake`: run the comment intake service."""

from intake.server import main

main()
