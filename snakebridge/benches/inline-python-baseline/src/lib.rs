//! Empty: the baseline is the bench in benches/.
