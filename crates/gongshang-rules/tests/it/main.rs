//! Integration tests of the rules engine (one test binary, see conventions).

mod smoke;
