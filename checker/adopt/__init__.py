"""The commands that write files, where ``check`` only reads them.

``init`` adopts an existing page (writes a registry and a config from it), ``fix`` renders
the page's subprocessor table from the registry, and ``changelog`` says what changed in the
list between two versions (Markdown, JSON, or an Atom feed of the registry's git history).

Each command is a module with its logic as plain functions over the checker's loaded objects
(``Document``, ``Registry``, ``Config``); ``commands`` holds their command-line faces, which
``checker.cli`` registers. Pages and registries are read exactly as ``check`` reads them, so
what ``init`` writes and ``fix`` renders is what ``check`` then accepts.

    init.py       page → registry YAML + .subprocessor-check.yml
    render.py     registry + page → the page's new text (table rows, effective date)
    dateformat.py a date written the way the page already writes its date
    fix.py        load, render, diff, write (atomically) for each configured page
    atomic.py     write a file so that a crash leaves either the old or the new file
    changes.py    what changed between two versions of the list
    changelog.py  changes as Markdown or JSON, for a pull request or a customer notice
    atom.py       an Atom feed (RFC 4287) of the registry's git history
    yamlout.py    writing YAML values that read back as the same text
    commands.py   the command-line faces: argument parsers and handlers
"""
