//! Compliance periods: rolling windows, or calendar weeks and months in a fixed UTC
//! offset. Times are Unix seconds supplied by the caller (the crate reads no clock).

use std::time::Duration;

use crate::Error;

/// A calendar unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum CalendarUnit {
    /// Monday 00:00 to the next Monday 00:00 (ISO 8601 weeks).
    Week,
    /// The first of the month 00:00 to the first of the next month.
    Month,
}

/// An SLO's compliance period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Period {
    /// The last `Duration` before the evaluation time (Sloth's and Pyrra's default).
    Rolling(Duration),
    /// The calendar week or month containing the evaluation time, in local time at
    /// `utc_offset_seconds` east of UTC.
    Calendar {
        /// Week or month.
        unit: CalendarUnit,
        /// Offset of local time from UTC, in seconds (−18 h to +18 h).
        utc_offset_seconds: i32,
    },
}

const DAY: i64 = 86_400;

impl Period {
    /// The period containing `time` (Unix seconds) as [start, end) Unix seconds: for a
    /// rolling period [time − length, time).
    ///
    /// # Errors
    /// - [`Error::InvalidParameter`] for a zero rolling length, an offset beyond
    ///   ±18 h, or times outside ±10^12 s (about ±31 700 years).
    ///
    /// # Example
    /// ```
    /// use canary_judge::burn::period::{CalendarUnit, Period};
    /// let feb = Period::Calendar { unit: CalendarUnit::Month, utc_offset_seconds: 0 };
    /// // 2024-02-15T12:00:00Z lies in [2024-02-01, 2024-03-01): 29 days, a leap year.
    /// let (start, end) = feb.bounds(1_708_000_000)?;
    /// assert_eq!((start, end), (1_706_745_600, 1_709_251_200));
    /// # Ok::<(), canary_judge::Error>(())
    /// ```
    pub fn bounds(&self, time: i64) -> Result<(i64, i64), Error> {
        if time.unsigned_abs() > 1_000_000_000_000 {
            return Err(Error::InvalidParameter {
                name: "time (unix seconds)",
                expected: "within +-10^12",
                value: time as f64,
            });
        }
        match *self {
            Period::Rolling(length) => {
                let secs = i64::try_from(length.as_secs()).unwrap_or(i64::MAX);
                if secs == 0 {
                    return Err(Error::InvalidParameter {
                        name: "rolling period (seconds)",
                        expected: "positive",
                        value: 0.0,
                    });
                }
                Ok((time.saturating_sub(secs), time))
            }
            Period::Calendar {
                unit,
                utc_offset_seconds,
            } => {
                let offset = i64::from(utc_offset_seconds);
                if offset.abs() > 18 * 3600 {
                    return Err(Error::InvalidParameter {
                        name: "utc offset (seconds)",
                        expected: "within +-18 hours",
                        value: offset as f64,
                    });
                }
                let day = (time + offset).div_euclid(DAY);
                let (start_day, end_day) = match unit {
                    CalendarUnit::Week => {
                        // 1970-01-01 was a Thursday: weekday 3 counting Monday as 0.
                        let monday = day - (day + 3).rem_euclid(7);
                        (monday, monday + 7)
                    }
                    CalendarUnit::Month => {
                        let (y, m, _) = civil_from_days(day);
                        let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                        (days_from_civil(y, m, 1), days_from_civil(ny, nm, 1))
                    }
                };
                Ok((start_day * DAY - offset, end_day * DAY - offset))
            }
        }
    }

    /// The length of the period containing `time`.
    ///
    /// # Errors
    /// As [`Period::bounds`].
    pub fn length(&self, time: i64) -> Result<Duration, Error> {
        let (start, end) = self.bounds(time)?;
        Ok(Duration::from_secs((end - start) as u64))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1–12).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Count from 0000-03-01 so that the leap day ends each 4/100/400-year cycle.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (m + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for z in [
            -800_000i64,
            -1,
            0,
            1,
            11_016,
            19_782,
            19_783,
            60_000,
            2_932_896,
        ] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z, "{z}");
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(
            days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 1),
            29
        );
        assert_eq!(
            days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 1),
            28
        );
    }
}
