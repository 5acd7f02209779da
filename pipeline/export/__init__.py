"""The emit stage: tables for coders, REFI-QDA projects for QDA tools, an HTML report.

Writers read documents (never models) and write through :mod:`pipeline.io`.
"""
