"""The baseline: a bare Django project with one template view, served the same way as ours."""
