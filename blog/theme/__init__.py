"""The site's look that the site settings choose: ``/site.css``, the accent colour's stylesheet."""
