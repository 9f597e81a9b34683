//! The schema model: a catalog of schema objects, and the replay that applies
//! statement summaries to it and records what each changed.
