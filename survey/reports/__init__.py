"""What the app shows, as plain data in a language given as an argument; renderers read it."""
