"""Patent intelligence (issue 20): citations and families, the value grade.

``citations`` reads the references and family members the sources give and links
them to records of the corpus; ``grade`` is the value-grading method (pure
functions over a record's facts); ``grading`` computes and stores grades in bulk.
"""
