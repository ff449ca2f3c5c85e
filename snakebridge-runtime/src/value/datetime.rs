//! `datetime.date`, `datetime.time` and `datetime.datetime`, without a date-time crate.
//!
//! The wire format carries them as ISO 8601 text, exactly as Python's `isoformat()` writes it
//! and `fromisoformat()` reads it.

use std::fmt;
use std::str::FromStr;

/// A calendar date (`datetime.date`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// 1 to 9999.
    pub year: i32,
    /// 1 to 12.
    pub month: u8,
    /// 1 to 31.
    pub day: u8,
}

/// A time of day (`datetime.time`), optionally with a fixed UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Time {
    /// 0 to 23.
    pub hour: u8,
    /// 0 to 59.
    pub minute: u8,
    /// 0 to 59.
    pub second: u8,
    /// 0 to 999 999.
    pub microsecond: u32,
    /// The UTC offset in seconds, for an aware time (`tzinfo` a `datetime.timezone`).
    pub utc_offset: Option<i32>,
}

/// A date and time (`datetime.datetime`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    /// The date part.
    pub date: Date,
    /// The time part, with the offset for an aware datetime.
    pub time: Time,
}

/// Text that is not an ISO 8601 date, time or datetime as Python writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateTimeError(pub String);

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not ISO 8601 as Python's isoformat() writes it", self.0)
    }
}

impl std::error::Error for ParseDateTimeError {}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}:{:02}", self.hour, self.minute, self.second)?;
        if self.microsecond != 0 {
            write!(f, ".{:06}", self.microsecond)?;
        }
        if let Some(offset) = self.utc_offset {
            let sign = if offset < 0 { '-' } else { '+' };
            let abs = offset.unsigned_abs();
            write!(f, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
            if abs % 60 != 0 {
                write!(f, ":{:02}", abs % 60)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}T{}", self.date, self.time)
    }
}

impl FromStr for Date {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseDateTimeError(s.to_owned());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let date = Date {
            year: num(&s[0..4]).ok_or_else(err)? as i32,
            month: num(&s[5..7]).ok_or_else(err)? as u8,
            day: num(&s[8..10]).ok_or_else(err)? as u8,
        };
        if date.year < 1 || !(1..=12).contains(&date.month) || !(1..=31).contains(&date.day) {
            return Err(err());
        }
        Ok(date)
    }
}

impl FromStr for Time {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseDateTimeError(s.to_owned());
        let (clock, offset) = match s.find(['+', '-', 'Z']) {
            Some(i) => (&s[..i], Some(&s[i..])),
            None => (s, None),
        };
        let (hms, frac) = match clock.split_once('.') {
            Some((hms, frac)) => (hms, Some(frac)),
            None => (clock, None),
        };
        let parts: Vec<&str> = hms.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 || parts.iter().any(|p| p.len() != 2) {
            return Err(err());
        }
        let hour = num(parts[0]).ok_or_else(err)? as u8;
        let minute = num(parts[1]).ok_or_else(err)? as u8;
        let second = parts.get(2).map(|p| num(p).ok_or_else(err)).transpose()?.unwrap_or(0) as u8;
        let microsecond = match frac {
            Some(f) if !f.is_empty() && f.len() <= 6 => num(f).ok_or_else(err)? as u32 * 10u32.pow(6 - f.len() as u32),
            Some(_) => return Err(err()),
            None => 0,
        };
        if hour > 23 || minute > 59 || second > 59 {
            return Err(err());
        }
        let utc_offset = match offset {
            None => None,
            Some("Z") => Some(0),
            Some(o) => {
                let sign = if o.starts_with('-') { -1 } else { 1 };
                let fields: Vec<&str> = o[1..].split(':').collect();
                if fields.len() < 2 || fields.len() > 3 || fields.iter().any(|p| p.len() != 2) {
                    return Err(err());
                }
                let secs = fields.iter().map(|p| num(p)).collect::<Option<Vec<u64>>>().ok_or_else(err)?;
                let total = secs[0] * 3600 + secs[1] * 60 + secs.get(2).copied().unwrap_or(0);
                if total >= 86_400 {
                    return Err(err());
                }
                Some(sign * total as i32)
            }
        };
        Ok(Time { hour, minute, second, microsecond, utc_offset })
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseDateTimeError(s.to_owned());
        let (date, time) = s.split_once(['T', ' ']).ok_or_else(err)?;
        Ok(DateTime { date: date.parse().map_err(|_| err())?, time: time.parse().map_err(|_| err())? })
    }
}

fn num(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isoformat_round_trips() {
        for text in [
            "2024-02-29T23:59:59.000001+05:30",
            "0001-01-01T00:00:00",
            "2024-01-02T03:04:05-00:00:30",
            "1999-12-31T12:00:00+00:00",
        ] {
            let dt: DateTime = text.parse().unwrap();
            assert_eq!(dt.to_string(), text);
        }
        assert_eq!("12:30".parse::<Time>().unwrap().to_string(), "12:30:00");
        assert!("25:00:00".parse::<Time>().is_err());
        assert!("2024-13-01".parse::<Date>().is_err());
        assert!("garbage".parse::<DateTime>().is_err());
    }
}
