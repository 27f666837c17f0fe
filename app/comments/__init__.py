"""Reader comments: the model, the form, the guard, the sanitiser and the service.

A service, not a set of pages: the blog's post page and feeds call it with
plain values, and the moderation package moves comments between states.
"""
