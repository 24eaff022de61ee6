"""Moving out as Markdown: ``flask blog export-markdown`` and an author's download of their
own posts, in a layout Hugo and Zola build."""
