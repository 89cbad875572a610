//! Recording consent for online lessons (procedure 6.4), as a pure state machine.
//!
//! Recording is allowed only while every participant present has consented. A withdrawal, or
//! a participant joining without consent, stops a running recording at once; it never
//! restarts by itself — the teacher starts it again once everyone present has consented.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// A participant (a user id).
pub type Participant = i64;

/// Something that happened in a lesson.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    Join { who: Participant },
    Leave { who: Participant },
    Consent { who: Participant },
    Decline { who: Participant },
    StartRecording,
    StopRecording,
}

/// What an event did to the recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing changed about recording.
    Unchanged,
    /// Recording started.
    Started,
    /// Recording stopped (by the teacher or because consent was lost).
    Stopped { reason: StopReason },
    /// Starting was refused: these participants present have not consented.
    Refused { missing: Vec<Participant> },
}

/// Why recording stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    Requested,
    ConsentWithdrawn,
    JoinedWithoutConsent,
}

/// The consent state of one lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lesson {
    present: BTreeSet<Participant>,
    /// Each participant's latest answer: `true` consented, `false` declined.
    answers: BTreeMap<Participant, bool>,
    recording: bool,
}

impl Lesson {
    /// A lesson with nobody present and nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether recording is running.
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// Whether the participant is in the lesson now.
    pub fn is_present(&self, who: Participant) -> bool {
        self.present.contains(&who)
    }

    /// How many participants are in the lesson now.
    pub fn present_count(&self) -> usize {
        self.present.len()
    }

    /// Participants present who have not consented (declined or not answered), in id order.
    pub fn missing_consent(&self) -> Vec<Participant> {
        self.present
            .iter()
            .copied()
            .filter(|p| self.answers.get(p) != Some(&true))
            .collect()
    }

    /// Whether recording may run now.
    pub fn recording_allowed(&self) -> bool {
        !self.present.is_empty() && self.missing_consent().is_empty()
    }

    /// (consented present, all present): for "Запись разрешена: 24 из 24".
    pub fn tally(&self) -> (usize, usize) {
        let consented = self
            .present
            .iter()
            .filter(|p| self.answers.get(p) == Some(&true))
            .count();
        (consented, self.present.len())
    }

    /// Applies an event.
    pub fn apply(&mut self, event: &Event) -> Outcome {
        match *event {
            Event::Join { who } => {
                self.present.insert(who);
                self.stop_if_disallowed(StopReason::JoinedWithoutConsent)
            }
            Event::Leave { who } => {
                self.present.remove(&who);
                if self.present.is_empty() && self.recording {
                    self.recording = false;
                    return Outcome::Stopped {
                        reason: StopReason::Requested,
                    };
                }
                Outcome::Unchanged
            }
            Event::Consent { who } => {
                self.answers.insert(who, true);
                Outcome::Unchanged
            }
            Event::Decline { who } => {
                self.answers.insert(who, false);
                self.stop_if_disallowed(StopReason::ConsentWithdrawn)
            }
            Event::StartRecording => {
                if self.recording {
                    Outcome::Unchanged
                } else if self.recording_allowed() {
                    self.recording = true;
                    Outcome::Started
                } else {
                    Outcome::Refused {
                        missing: self.missing_consent(),
                    }
                }
            }
            Event::StopRecording => {
                if self.recording {
                    self.recording = false;
                    Outcome::Stopped {
                        reason: StopReason::Requested,
                    }
                } else {
                    Outcome::Unchanged
                }
            }
        }
    }

    fn stop_if_disallowed(&mut self, reason: StopReason) -> Outcome {
        if self.recording && !self.recording_allowed() {
            self.recording = false;
            Outcome::Stopped { reason }
        } else {
            Outcome::Unchanged
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lesson(events: &[Event]) -> Lesson {
        let mut lesson = Lesson::new();
        for e in events {
            lesson.apply(e);
        }
        lesson
    }

    #[test]
    fn clause_6_4_recording_needs_every_consent() {
        let mut l = lesson(&[
            Event::Join { who: 1 },
            Event::Join { who: 2 },
            Event::Consent { who: 1 },
        ]);
        assert_eq!(
            l.apply(&Event::StartRecording),
            Outcome::Refused { missing: vec![2] }
        );
        l.apply(&Event::Consent { who: 2 });
        assert_eq!(l.apply(&Event::StartRecording), Outcome::Started);
        assert_eq!(l.tally(), (2, 2));
    }

    #[test]
    fn clause_6_4_a_withdrawal_stops_recording() {
        let mut l = lesson(&[
            Event::Join { who: 1 },
            Event::Consent { who: 1 },
            Event::StartRecording,
        ]);
        assert!(l.is_recording());
        let outcome = l.apply(&Event::Decline { who: 1 });
        assert_eq!(
            outcome,
            Outcome::Stopped {
                reason: StopReason::ConsentWithdrawn
            }
        );
        assert!(!l.is_recording());
    }

    #[test]
    fn clause_6_4_a_late_joiner_without_consent_stops_recording() {
        let mut l = lesson(&[
            Event::Join { who: 1 },
            Event::Consent { who: 1 },
            Event::StartRecording,
        ]);
        let outcome = l.apply(&Event::Join { who: 7 });
        assert_eq!(
            outcome,
            Outcome::Stopped {
                reason: StopReason::JoinedWithoutConsent
            }
        );
        // A late joiner who consented in advance does not stop it.
        let mut l = lesson(&[
            Event::Join { who: 1 },
            Event::Consent { who: 1 },
            Event::Consent { who: 8 },
            Event::StartRecording,
        ]);
        assert_eq!(l.apply(&Event::Join { who: 8 }), Outcome::Unchanged);
        assert!(l.is_recording());
    }

    #[test]
    fn recording_does_not_restart_by_itself_when_consent_returns() {
        let mut l = lesson(&[
            Event::Join { who: 1 },
            Event::Consent { who: 1 },
            Event::StartRecording,
            Event::Decline { who: 1 },
        ]);
        l.apply(&Event::Consent { who: 1 });
        assert!(!l.is_recording(), "the teacher starts it again");
    }

    fn event() -> impl Strategy<Value = Event> {
        let who = 0i64..6;
        prop_oneof![
            who.clone().prop_map(|who| Event::Join { who }),
            who.clone().prop_map(|who| Event::Leave { who }),
            who.clone().prop_map(|who| Event::Consent { who }),
            who.prop_map(|who| Event::Decline { who }),
            Just(Event::StartRecording),
            Just(Event::StopRecording),
        ]
    }

    proptest! {
        #[test]
        fn recording_never_runs_without_everyones_consent(events in proptest::collection::vec(event(), 0..60)) {
            let mut l = Lesson::new();
            for e in &events {
                l.apply(e);
                // The invariant of clause 6.4, after every single event.
                if l.is_recording() {
                    prop_assert!(l.missing_consent().is_empty());
                    prop_assert!(!l.present.is_empty());
                }
            }
        }
    }
}
