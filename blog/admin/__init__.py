"""The admin panel at /admin (Flask-Admin): users, posts, comments and tags, for admins only."""
