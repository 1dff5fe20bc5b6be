"""DOCX writing, LibreOffice conversion and layout extraction."""
