"""Moving a blog in and out: the whole-blog archive (export and import between any of the
databases), the importers from Ghost and WordPress, and the Markdown export for static-site
generators."""
