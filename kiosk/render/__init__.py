"""Drawing layouts with pygame: fonts, pictures, the painter, the frame stage and PNG export."""
