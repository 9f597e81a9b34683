//! The next free version in a layout's own style: a timestamp one second
//! later (`20240101120000` -> `20240101120001`, diesel's
//! `2024-01-01-120000` -> `2024-01-01-120001`), or the next number of a
//! sequence with its zero padding kept (`00041` -> `00042`, Flyway's
//! `1.2.9` -> `1.2.10`). Pure string work.

use crate::source::{Layout, Version, version};

/// The version after `v`, written the way `layout` writes versions, with
/// its parsed form. `None` where versions are not numbers in file names
/// (Sqitch orders by its plan; Flyway repeatables have none; a name
/// without leading digits).
pub fn successor(layout: Layout, v: &Version) -> Option<Version> {
    let text = v.text.as_str();
    match layout {
        Layout::Sqitch => None,
        Layout::Diesel => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            let next = next_digits(&digits)?;
            // Keep the dashes where they stood; a number that grew a digit
            // is written without them.
            let written = if next.len() == digits.len() {
                let mut chars = next.chars();
                text.chars()
                    .map(|c| {
                        if c.is_ascii_digit() {
                            chars.next().unwrap_or(c)
                        } else {
                            c
                        }
                    })
                    .collect()
            } else {
                next
            };
            version::diesel(&written)
        }
        Layout::Flyway => {
            let (head, last) = match text.rfind(['.', '_']) {
                Some(i) => (&text[..=i], &text[i + 1..]),
                None => ("", text),
            };
            let next = if head.is_empty() {
                next_digits(last)?
            } else {
                sequence(last)?
            };
            version::flyway(&format!("{head}{next}"))
        }
        _ => version::integer(&next_digits(text)?),
    }
}

/// The number after `digits`: one second later when it is a
/// `YYYYMMDDHHMMSS` timestamp (with any tail kept), else plus one.
fn next_digits(digits: &str) -> Option<String> {
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() {
        return None;
    }
    if digits.len() >= 14
        && let Some(stamp) = Stamp::parse(&digits[..14])
    {
        return Some(format!("{}{}", stamp.next().render(), &digits[14..]));
    }
    sequence(digits)
}

/// `digits` plus one, zero-padded to its width.
fn sequence(digits: &str) -> Option<String> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u128 = digits.parse().ok()?;
    let next = n.checked_add(1)?;
    Some(format!("{next:0width$}", width = digits.len()))
}

/// A calendar date and time of day, to one second.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
}

impl Stamp {
    /// `YYYYMMDDHHMMSS`, only when it is a real moment.
    fn parse(s: &str) -> Option<Stamp> {
        let part = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
        let stamp = Stamp {
            year: part(0..4)?,
            month: part(4..6)?,
            day: part(6..8)?,
            hour: part(8..10)?,
            minute: part(10..12)?,
            second: part(12..14)?,
        };
        let valid = stamp.year >= 1000
            && (1..=12).contains(&stamp.month)
            && stamp.day >= 1
            && stamp.day <= days_in(stamp.year, stamp.month)
            && stamp.hour < 24
            && stamp.minute < 60
            && stamp.second < 60;
        valid.then_some(stamp)
    }

    fn next(mut self) -> Stamp {
        self.second += 1;
        if self.second == 60 {
            self.second = 0;
            self.minute += 1;
        }
        if self.minute == 60 {
            self.minute = 0;
            self.hour += 1;
        }
        if self.hour == 24 {
            self.hour = 0;
            self.day += 1;
        }
        if self.day > days_in(self.year, self.month) {
            self.day = 1;
            self.month += 1;
        }
        if self.month == 13 {
            self.month = 1;
            self.year += 1;
        }
        self
    }

    fn render(self) -> String {
        format!(
            "{:04}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next(layout: Layout, text: &str) -> String {
        let v = match layout {
            Layout::Diesel => version::diesel(text),
            Layout::Flyway => version::flyway(text),
            _ => version::integer(text),
        }
        .unwrap();
        let n = successor(layout, &v).unwrap();
        assert!(n > v, "{n} <= {v}");
        n.text
    }

    #[test]
    fn timestamps_move_one_second() {
        assert_eq!(
            next(Layout::GolangMigrate, "20240101120000"),
            "20240101120001"
        );
        assert_eq!(next(Layout::Goose, "20231231235959"), "20240101000000");
        assert_eq!(next(Layout::Dbmate, "20240228235959"), "20240229000000");
        assert_eq!(next(Layout::Dbmate, "20230228235959"), "20230301000000");
        assert_eq!(
            next(Layout::Diesel, "2026-07-30-140000-0000"),
            "2026-07-30-140001-0000"
        );
        assert_eq!(
            next(Layout::Diesel, "2019-03-22-235959"),
            "2019-03-23-000000"
        );
        assert_eq!(next(Layout::Diesel, "20161115111853"), "20161115111854");
    }

    #[test]
    fn sequences_keep_their_padding() {
        assert_eq!(next(Layout::Goose, "00041"), "00042");
        assert_eq!(next(Layout::GolangMigrate, "000009"), "000010");
        assert_eq!(next(Layout::Sqlx, "99"), "100");
        assert_eq!(next(Layout::Flyway, "1.2.9"), "1.2.10");
        assert_eq!(next(Layout::Flyway, "1_1"), "1_2");
        assert_eq!(next(Layout::Flyway, "7"), "8");
        assert_eq!(next(Layout::Flyway, "20240101120000"), "20240101120001");
        // Not a real moment: a number.
        assert_eq!(next(Layout::Diesel, "00000000000000"), "00000000000001");
    }

    #[test]
    fn no_successor_without_numbers() {
        let v = Version {
            text: "seed".into(),
            key: crate::source::VersionKey::Text("seed".into()),
        };
        assert!(successor(Layout::Plain, &v).is_none());
        let v = version::integer("3").unwrap();
        assert!(successor(Layout::Sqitch, &v).is_none());
    }
}
