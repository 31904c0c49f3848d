"""Brussels International: the platform of the international relations of the Brussels-Capital Region."""
