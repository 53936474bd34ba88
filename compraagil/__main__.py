from compraagil.cli import main

raise SystemExit(main())
