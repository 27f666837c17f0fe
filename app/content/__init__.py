"""Articles read from posts/: Post values, the reader, the index, the renderer.

Knows nothing of Flask requests: the web layer asks a PostIndex.
"""

from app.content.index import PostIndex
from app.content.post import Post
from app.content.problems import PostError, PostReadError
from app.content.reader import read_post

__all__ = ["Post", "PostError", "PostIndex", "PostReadError", "read_post"]
