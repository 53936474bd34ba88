from compraagil.cli import main

if __name__ == "__main__":  # not when a child process of the import imports this module again
    raise SystemExit(main())
