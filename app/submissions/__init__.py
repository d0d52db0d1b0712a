"""Submissions: accepting source code and sending it to the judge."""
