"""The administrative tree's set-up: official codes (codes.py), adding, renaming and merging regions
(services.py), importing the tree from a file of division codes (importer.py) and what the pages read
(selectors.py). Who may change which region is stations/scope's rule."""
