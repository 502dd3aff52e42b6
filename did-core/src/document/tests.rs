//! Document parsing and validation tests.
