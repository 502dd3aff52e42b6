//! XML Schema `dateTimeStamp` values, as VC Data Model 2.0 requires for
//! `validFrom` and `validUntil`.
//!
//! The grammar is XML Schema 1.1 Part 2's `dateTimeStamp`: a `dateTime` with
//! a mandatory timezone (`Z` or `±hh:mm`), optional fractional seconds and
//! `24:00:00` as the end of a day. Years outside 0000–9999 parse as errors
//! (the `time` crate's range).

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// Parses an XML Schema `dateTimeStamp` (e.g. `2023-02-25T19:10:39-06:00`).
///
/// The offset is kept, so [`format_date_time_stamp`] of the result may
/// differ from the input only in fractional-second digits.
///
/// # Errors
///
/// A human-readable reason when `s` is not a `dateTimeStamp`.
pub fn parse_date_time_stamp(s: &str) -> Result<OffsetDateTime, String> {
    let mut p = Cursor {
        s: s.as_bytes(),
        pos: 0,
    };
    let year = p.digits_at_least(4, "a four-digit year")?;
    if year.len() > 4 {
        return Err(format!(
            "year {} is out of the supported range 0000-9999",
            s.get(..year.len()).unwrap_or("")
        ));
    }
    let year = number(year) as i32;
    p.expect(b'-', "'-' after the year")?;
    let month = number(p.digits_exact(2, "a two-digit month")?);
    p.expect(b'-', "'-' after the month")?;
    let day = number(p.digits_exact(2, "a two-digit day")?);
    p.expect(b'T', "'T' between date and time")?;
    let hour = number(p.digits_exact(2, "a two-digit hour")?);
    p.expect(b':', "':' after the hour")?;
    let minute = number(p.digits_exact(2, "two-digit minutes")?);
    p.expect(b':', "':' after the minutes")?;
    let second = number(p.digits_exact(2, "two-digit seconds")?);
    let mut nanos: u32 = 0;
    let mut fraction_zero = true;
    if p.peek() == Some(b'.') {
        p.pos += 1;
        let digits = p.digits_at_least(1, "digits after '.'")?;
        for (i, d) in digits.iter().enumerate() {
            let d = u32::from(d - b'0');
            if d != 0 {
                fraction_zero = false;
            }
            if i < 9 {
                nanos += d * 10u32.pow(8 - i as u32);
            }
        }
    }
    let offset = match p.next() {
        Some(b'Z') => UtcOffset::UTC,
        Some(sign @ (b'+' | b'-')) => {
            let oh = number(p.digits_exact(2, "a two-digit offset hour")?);
            p.expect(b':', "':' in the timezone offset")?;
            let om = number(p.digits_exact(2, "two-digit offset minutes")?);
            if om > 59 || oh > 14 || (oh == 14 && om != 0) {
                return Err("timezone offset must be within -14:00..+14:00".into());
            }
            let seconds = (oh * 3600 + om * 60) as i32;
            let seconds = if sign == b'-' { -seconds } else { seconds };
            UtcOffset::from_whole_seconds(seconds).map_err(|e| format!("invalid timezone offset: {e}"))?
        }
        Some(_) => return Err("expected a timezone ('Z' or '±hh:mm') after the time".into()),
        None => return Err("a timezone ('Z' or '±hh:mm') is required".into()),
    };
    if p.pos != p.s.len() {
        return Err(format!("unexpected characters after the timezone at byte {}", p.pos));
    }
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("month {month:02} is not 01-12"))?;
    let date = Date::from_calendar_date(year, month, day as u8).map_err(|e| format!("invalid date: {e}"))?;
    let end_of_day = hour == 24;
    if end_of_day && (minute != 0 || second != 0 || !fraction_zero) {
        return Err("hour 24 is only allowed as 24:00:00".into());
    }
    if minute > 59 || second > 59 {
        return Err("minutes and seconds must be 00-59".into());
    }
    let time = if end_of_day {
        Time::MIDNIGHT
    } else {
        Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos).map_err(|e| format!("invalid time: {e}"))?
    };
    let mut dt = PrimitiveDateTime::new(date, time).assume_offset(offset);
    if end_of_day {
        dt = dt
            .checked_add(Duration::DAY)
            .ok_or_else(|| "date is out of the supported range".to_string())?;
    }
    Ok(dt)
}

/// Formats a date-time as a `dateTimeStamp` in UTC (`2024-06-30T00:00:00Z`).
///
/// Fractional seconds appear only when non-zero.
///
/// # Errors
///
/// A reason when the year cannot be written in four digits.
pub fn format_date_time_stamp(dt: OffsetDateTime) -> Result<String, String> {
    // `to_offset` panics when the UTC date-time leaves the supported range
    // (9999-12-31T23:00:00-01:00 is 10000-01-01 in UTC).
    dt.checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| format!("cannot format {dt}: its UTC date-time is out of range"))?
        .format(&Rfc3339)
        .map_err(|e| format!("cannot format {dt}: {e}"))
}

/// Formats a calendar date as an XML Schema `date` (`2024-06-30`).
pub(crate) fn format_date(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// Parses an XML Schema `date` without timezone (`2024-06-30`).
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let mut p = Cursor {
        s: s.as_bytes(),
        pos: 0,
    };
    let year = number(p.digits_exact(4, "a four-digit year")?) as i32;
    p.expect(b'-', "'-' after the year")?;
    let month = number(p.digits_exact(2, "a two-digit month")?);
    p.expect(b'-', "'-' after the month")?;
    let day = number(p.digits_exact(2, "a two-digit day")?);
    if p.pos != p.s.len() {
        return Err(format!("unexpected characters after the date at byte {}", p.pos));
    }
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("month {month:02} is not 01-12"))?;
    Date::from_calendar_date(year, month, day as u8).map_err(|e| format!("invalid date: {e}"))
}

struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek();
        if b.is_some() {
            self.pos += 1;
        }
        b
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), String> {
        match self.next() {
            Some(b) if b == byte => Ok(()),
            _ => Err(format!("expected {what} at byte {}", self.pos.saturating_sub(1))),
        }
    }

    fn digits_at_least(&mut self, min: usize, what: &str) -> Result<&'a [u8], String> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits = self.s.get(start..self.pos).unwrap_or_default();
        if digits.len() < min {
            return Err(format!("expected {what} at byte {start}"));
        }
        Ok(digits)
    }

    fn digits_exact(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let start = self.pos;
        let digits = self.s.get(start..start + n).unwrap_or_default();
        if digits.len() != n || !digits.iter().all(u8::is_ascii_digit) {
            return Err(format!("expected {what} at byte {start}"));
        }
        self.pos += n;
        Ok(digits)
    }
}

/// Value of at most 9 ASCII digits (callers bound the length).
fn number(digits: &[u8]) -> u32 {
    digits
        .iter()
        .take(9)
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_utc_offsets_and_fractions() {
        assert_eq!(
            parse_date_time_stamp("2023-02-26T01:02:58.447Z").unwrap(),
            datetime!(2023-02-26 01:02:58.447 UTC)
        );
        assert_eq!(
            parse_date_time_stamp("2023-02-25T19:10:39-06:00").unwrap(),
            datetime!(2023-02-26 01:10:39 UTC)
        );
        assert_eq!(parse_date_time_stamp("4023-02-26T01:02:58Z").unwrap().year(), 4023);
        assert_eq!(
            parse_date_time_stamp("2023-12-31T24:00:00Z").unwrap(),
            datetime!(2024-01-01 00:00 UTC)
        );
    }

    #[test]
    fn rejects_what_is_not_a_date_time_stamp() {
        for bad in [
            "Sat 25 Feb 2023 07:16:31 PM CST",
            "Sun, 26 Feb 2023 01:22:14 +0000",
            "2023-02-26T01:02:58",
            "2023-02-26",
            "2023-02-26 01:02:58Z",
            "2023-02-30T01:02:58Z",
            "2023-13-01T01:02:58Z",
            "2023-02-26T01:60:58Z",
            "2023-02-26T24:00:01Z",
            "2023-02-26T01:02:58+15:00",
            "2023-02-26T01:02:58Zjunk",
            "2023-02-26T01:02:58.Z",
            "12023-02-26T01:02:58Z",
            "",
        ] {
            assert!(parse_date_time_stamp(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn regression_format_date_time_stamp_beyond_the_utc_range() {
        // Found by the credential_parse fuzz target: a valid dateTimeStamp
        // whose UTC form is in year 10000; formatting it panicked.
        let dt = parse_date_time_stamp("9999-12-31T23:00:00-01:00").unwrap();
        assert!(format_date_time_stamp(dt).is_err());
    }

    #[test]
    fn formats_in_utc() {
        let dt = parse_date_time_stamp("2023-02-25T19:10:39-06:00").unwrap();
        assert_eq!(format_date_time_stamp(dt).unwrap(), "2023-02-26T01:10:39Z");
        assert_eq!(parse_date("2024-06-30").map(format_date).unwrap(), "2024-06-30");
        assert!(parse_date("2024-6-30").is_err());
    }
}
