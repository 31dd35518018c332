"""PDF documents drawn with ReportLab: fonts, script runs, bidirectional text, certificates.

The only package that imports ReportLab. It takes plain data from the services and returns
PDF bytes; it knows nothing of Qt or the database.
"""
