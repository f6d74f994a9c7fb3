"""Target arithmetic on plain numbers: growth rates, rounding conventions, published precision."""
