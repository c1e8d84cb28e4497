//! retry placeholder
