"""Capital layout and capital operations (布局结构与资本运作): state capital by strategic sector,
credit ratings, listings and securitisation, derived from the enterprise registers."""
