"""Uploaded images: the site's upload endpoint, the files' addresses, "My images" and avatars."""
