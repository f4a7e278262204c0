"""版面 banmian: the code behind helpers.py. Notebooks use ``import helpers``."""
