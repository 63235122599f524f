"""The `vnnews` subcommands, one module each; crawler/cli.py dispatches to them."""
