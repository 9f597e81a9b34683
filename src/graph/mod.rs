//! What depends on what in a schema model (petgraph).
