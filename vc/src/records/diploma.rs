//! Diplomas as Open Badges 3.0 `AchievementCredential`s.
//!
//! The shape: an issuer `Profile` (id, type, name); a subject of type
//! `AchievementSubject` naming the graduate through an `IdentityObject`
//! (their name in the clear, or salted hashes of an email address or a
//! student number, see [`identity`](super::identity));
//! an `Achievement` with the degree (`achievementType` such as
//! `BachelorDegree`), its `fieldOfStudy` (the major), `criteria` and any
//! `resultDescription`s; and `result`s for the GPA and honours. The
//! graduation date is the credential's `awardedDate`.

use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

use super::{Record, derived_urn_uuid, optional_str, random_urn_uuid, record_error, required_str};
use crate::credential::datetime::{format_date_time_stamp, parse_date_time_stamp};
use crate::credential::is_url;
use crate::status::StatusListEntry;
use crate::{Credential, Result};

/// The Open Badges 3.0 JSON-LD context.
pub const OB3_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/// The credential type of an Open Badges 3.0 achievement.
pub const ACHIEVEMENT_CREDENTIAL_TYPE: &str = "AchievementCredential";
/// The alias Open Badges 3.0 also accepts for the credential type.
pub const OPEN_BADGE_CREDENTIAL_TYPE: &str = "OpenBadgeCredential";
/// `resultType` of the GPA result.
const GPA_RESULT_TYPE: &str = "GradePointAverage";
/// `resultType` of the honours result (an Open Badges extension value).
const HONORS_RESULT_TYPE: &str = "ext:Honors";

/// The kind of degree, as an Open Badges 3.0 `achievementType`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DegreeType {
    /// `AssociateDegree`.
    Associate,
    /// `BachelorDegree`.
    Bachelor,
    /// `MasterDegree`.
    Master,
    /// `DoctoralDegree`.
    Doctoral,
    /// `ProfessionalDoctorate` (e.g. MD, JD).
    ProfessionalDoctorate,
    /// `ResearchDoctorate` (e.g. PhD).
    ResearchDoctorate,
    /// `Diploma`.
    Diploma,
    /// `SecondarySchoolDiploma`.
    SecondarySchool,
    /// `Certificate`.
    Certificate,
    /// Any other achievement type: another value of the Open Badges
    /// enumeration or an extension written `ext:Name`.
    Other(String),
}

impl DegreeType {
    /// The `achievementType` value.
    pub fn achievement_type(&self) -> &str {
        match self {
            DegreeType::Associate => "AssociateDegree",
            DegreeType::Bachelor => "BachelorDegree",
            DegreeType::Master => "MasterDegree",
            DegreeType::Doctoral => "DoctoralDegree",
            DegreeType::ProfessionalDoctorate => "ProfessionalDoctorate",
            DegreeType::ResearchDoctorate => "ResearchDoctorate",
            DegreeType::Diploma => "Diploma",
            DegreeType::SecondarySchool => "SecondarySchoolDiploma",
            DegreeType::Certificate => "Certificate",
            DegreeType::Other(s) => s,
        }
    }

    /// The degree type for an `achievementType` value.
    pub fn from_achievement_type(s: &str) -> Self {
        match s {
            "AssociateDegree" => DegreeType::Associate,
            "BachelorDegree" => DegreeType::Bachelor,
            "MasterDegree" => DegreeType::Master,
            "DoctoralDegree" => DegreeType::Doctoral,
            "ProfessionalDoctorate" => DegreeType::ProfessionalDoctorate,
            "ResearchDoctorate" => DegreeType::ResearchDoctorate,
            "Diploma" => DegreeType::Diploma,
            "SecondarySchoolDiploma" => DegreeType::SecondarySchool,
            "Certificate" => DegreeType::Certificate,
            other => DegreeType::Other(other.to_owned()),
        }
    }
}

/// A diploma read back from an `AchievementCredential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diploma {
    /// The credential's `id`.
    pub credential_id: Option<String>,
    /// The awarding institution's id (usually a DID).
    pub issuer_id: String,
    /// The institution's name.
    pub issuer_name: Option<String>,
    /// The graduate's id (usually a DID).
    pub student_id: Option<String>,
    /// The graduate's name, from an unhashed `IdentityObject`.
    pub student_name: Option<String>,
    /// The degree's kind.
    pub degree_type: DegreeType,
    /// The degree's name ("Bachelor of Science").
    pub degree_name: String,
    /// The achievement's id.
    pub achievement_id: String,
    /// The major (`fieldOfStudy`).
    pub major: Option<String>,
    /// When it was awarded (`awardedDate`).
    pub graduated: Option<OffsetDateTime>,
    /// Honours ("magna cum laude").
    pub honors: Option<String>,
    /// Grade point average, as written.
    pub gpa: Option<String>,
}

impl Diploma {
    /// Starts a diploma.
    pub fn builder() -> DiplomaBuilder {
        DiplomaBuilder::default()
    }
}

impl Record for Diploma {
    const CREDENTIAL_TYPE: &'static str = ACHIEVEMENT_CREDENTIAL_TYPE;
    const CONTEXTS: &'static [&'static str] = &[OB3_CONTEXT];

    fn is_record(credential: &Credential) -> bool {
        credential.has_type(ACHIEVEMENT_CREDENTIAL_TYPE) || credential.has_type(OPEN_BADGE_CREDENTIAL_TYPE)
    }

    fn from_credential(credential: &Credential) -> Result<Self> {
        if !Self::is_record(credential) {
            return Err(record_error(
                "/type",
                "type must include AchievementCredential or OpenBadgeCredential",
            ));
        }
        let issuer_name = credential
            .issuer()
            .and_then(Value::as_object)
            .and_then(|i| optional_str(i, "name"));
        let subjects = credential.subjects();
        let [subject] = subjects.as_slice() else {
            return Err(record_error("/credentialSubject", "a diploma has exactly one subject"));
        };
        let achievement = subject
            .get("achievement")
            .and_then(Value::as_object)
            .ok_or_else(|| record_error("/credentialSubject/achievement", "achievement must be an object"))?;
        let path = "/credentialSubject/achievement";
        let achievement_id = required_str(achievement, "id", path)?.to_owned();
        let degree_name = required_str(achievement, "name", path)?.to_owned();
        let degree_type = DegreeType::from_achievement_type(
            achievement
                .get("achievementType")
                .and_then(Value::as_str)
                .unwrap_or("Achievement"),
        );
        let student_name = subject
            .get("identifier")
            .map(|v| crate::credential::validate::one_or_many(Some(v)))
            .unwrap_or_default()
            .into_iter()
            .filter_map(Value::as_object)
            .find(|o| {
                o.get("identityType").and_then(Value::as_str) == Some("name")
                    && o.get("hashed").and_then(Value::as_bool) == Some(false)
            })
            .and_then(|o| optional_str(o, "identityHash"));
        let graduated = match credential.get("awardedDate") {
            None => None,
            Some(Value::String(s)) => {
                Some(parse_date_time_stamp(s).map_err(|reason| record_error("/awardedDate", reason))?)
            }
            Some(_) => return Err(record_error("/awardedDate", "awardedDate must be a dateTime string")),
        };
        // Results point at the achievement's result descriptions by id.
        let descriptions: Vec<&Map<String, Value>> =
            crate::credential::validate::one_or_many(achievement.get("resultDescription"))
                .into_iter()
                .filter_map(Value::as_object)
                .collect();
        let result_of = |result_type: &str| -> Option<String> {
            let description_id = descriptions
                .iter()
                .find(|d| d.get("resultType").and_then(Value::as_str) == Some(result_type))
                .and_then(|d| d.get("id").and_then(Value::as_str))?;
            crate::credential::validate::one_or_many(subject.get("result"))
                .into_iter()
                .filter_map(Value::as_object)
                .find(|r| r.get("resultDescription").and_then(Value::as_str) == Some(description_id))
                .and_then(|r| optional_str(r, "value"))
        };
        Ok(Diploma {
            credential_id: credential.id().map(str::to_owned),
            issuer_id: credential.issuer_id().to_owned(),
            issuer_name,
            student_id: optional_str(subject, "id"),
            student_name,
            degree_type,
            degree_name,
            achievement_id,
            major: optional_str(achievement, "fieldOfStudy"),
            graduated,
            honors: result_of(HONORS_RESULT_TYPE),
            gpa: result_of(GPA_RESULT_TYPE),
        })
    }
}

/// Builds a diploma credential. Required: [`student`](Self::student),
/// [`degree`](Self::degree) and [`issuer`](Self::issuer); the rest has
/// sensible defaults.
///
/// ```
/// use time::macros::date;
/// use xinlian_vc::records::{DegreeType, Diploma};
///
/// let credential = Diploma::builder()
///     .student("did:example:bob", "Bob Li")
///     .degree(DegreeType::Master, "Master of Arts")
///     .major("History")
///     .graduated(date!(2024 - 07 - 01))
///     .gpa("3.9")
///     .issuer("did:web:uni.example", "Example University")
///     .build()
///     .unwrap();
/// let achievement = &credential.subjects()[0]["achievement"];
/// assert_eq!(achievement["achievementType"], "MasterDegree");
/// assert_eq!(achievement["fieldOfStudy"], "History");
/// ```
#[derive(Debug, Clone, Default)]
pub struct DiplomaBuilder {
    student: Option<(String, Option<String>)>,
    hashed_identifiers: Vec<Value>,
    degree: Option<(DegreeType, String)>,
    major: Option<String>,
    graduated: Option<Date>,
    honors: Option<String>,
    gpa: Option<String>,
    issuer: Option<(String, String)>,
    credential_id: Option<String>,
    achievement_id: Option<String>,
    description: Option<String>,
    criteria: Option<String>,
    valid_from: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
    status: Vec<StatusListEntry>,
}

impl DiplomaBuilder {
    /// The graduate: their id (usually a DID) and name (an unhashed
    /// `IdentityObject` of type `name`).
    pub fn student(mut self, subject_id: impl Into<String>, name: impl Into<String>) -> Self {
        self.student = Some((subject_id.into(), Some(name.into())));
        self
    }

    /// The graduate by id and a salted hash only, not by name: an
    /// `IdentityObject` with `hashed: true`, `salt` and `identityHash` =
    /// `sha256$` + hex(SHA-256(`identifier` + `salt`)). `identity_type` is
    /// an Open Badges `identityType` such as
    /// [`EMAIL_ADDRESS`](super::identity::EMAIL_ADDRESS) or
    /// [`STUDENT_NUMBER`](super::identity::STUDENT_NUMBER); use a fresh
    /// [`random_salt`](super::identity::random_salt) per credential.
    pub fn student_hashed(
        mut self,
        subject_id: impl Into<String>,
        identity_type: &str,
        identifier: &str,
        salt: &str,
    ) -> Self {
        self.student = Some((subject_id.into(), None));
        self.hashed_identifier(identity_type, identifier, salt)
    }

    /// One more salted, hashed `IdentityObject` for the graduate (see
    /// [`student_hashed`](Self::student_hashed)).
    pub fn hashed_identifier(mut self, identity_type: &str, identifier: &str, salt: &str) -> Self {
        self.hashed_identifiers
            .push(super::identity::hashed_identity_object(identity_type, identifier, salt));
        self
    }

    /// The degree: its kind and its name ("Bachelor of Science").
    pub fn degree(mut self, degree_type: DegreeType, name: impl Into<String>) -> Self {
        self.degree = Some((degree_type, name.into()));
        self
    }

    /// The major (`fieldOfStudy`).
    pub fn major(mut self, field_of_study: impl Into<String>) -> Self {
        self.major = Some(field_of_study.into());
        self
    }

    /// The graduation date (`awardedDate`, at 00:00 UTC).
    pub fn graduated(mut self, date: Date) -> Self {
        self.graduated = Some(date);
        self
    }

    /// Honours ("magna cum laude", "First Class Honours").
    pub fn honors(mut self, honors: impl Into<String>) -> Self {
        self.honors = Some(honors.into());
        self
    }

    /// Grade point average, as the institution writes it ("3.85").
    pub fn gpa(mut self, gpa: impl Into<String>) -> Self {
        self.gpa = Some(gpa.into());
        self
    }

    /// The awarding institution: its id (usually a DID) and name.
    pub fn issuer(mut self, id: impl Into<String>, name: impl Into<String>) -> Self {
        self.issuer = Some((id.into(), name.into()));
        self
    }

    /// The credential's id; a random `urn:uuid:` when not set.
    pub fn credential_id(mut self, id: impl Into<String>) -> Self {
        self.credential_id = Some(id.into());
        self
    }

    /// The achievement's id; by default a `urn:uuid:` derived from the
    /// issuer, degree and major, so every graduate of a programme shares it.
    pub fn achievement_id(mut self, id: impl Into<String>) -> Self {
        self.achievement_id = Some(id.into());
        self
    }

    /// The achievement's description; by default "<degree> in <major>".
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The achievement's criteria narrative.
    pub fn criteria(mut self, narrative: impl Into<String>) -> Self {
        self.criteria = Some(narrative.into());
        self
    }

    /// `validFrom`; the current time when not set.
    pub fn valid_from(mut self, at: OffsetDateTime) -> Self {
        self.valid_from = Some(at);
        self
    }

    /// `validUntil` (diplomas usually have none).
    pub fn valid_until(mut self, at: OffsetDateTime) -> Self {
        self.valid_until = Some(at);
        self
    }

    /// A status list entry (e.g. for revocation).
    pub fn status(mut self, entry: StatusListEntry) -> Self {
        self.status.push(entry);
        self
    }

    /// Assembles and checks the `AchievementCredential`.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`](crate::Error::Structure) with `what: "record"`
    /// for a missing student, degree or issuer, or ids that are not URLs;
    /// data-model errors from [`Credential::from_value`].
    pub fn build(self) -> Result<Credential> {
        let (student_id, student_name) = self
            .student
            .ok_or_else(|| record_error("/credentialSubject", "the student is missing"))?;
        let (degree_type, degree_name) = self
            .degree
            .ok_or_else(|| record_error("/credentialSubject/achievement", "the degree is missing"))?;
        let (issuer_id, issuer_name) = self
            .issuer
            .ok_or_else(|| record_error("/issuer", "the issuer is missing"))?;
        if !is_url(&issuer_id) {
            return Err(record_error(
                "/issuer/id",
                format!("issuer id {issuer_id:?} is not a URL"),
            ));
        }
        if !is_url(&student_id) {
            return Err(record_error(
                "/credentialSubject/id",
                format!("student id {student_id:?} is not a URL"),
            ));
        }
        if let DegreeType::Other(t) = &degree_type
            && !is_achievement_type(t)
        {
            return Err(record_error(
                "/credentialSubject/achievement/achievementType",
                format!("{t:?} is neither an Open Badges achievement type nor an ext: extension"),
            ));
        }
        let achievement_type = degree_type.achievement_type();
        let major = self.major;
        let achievement_id = match self.achievement_id {
            Some(id) => id,
            None => derived_urn_uuid(&[
                &issuer_id,
                achievement_type,
                &degree_name,
                major.as_deref().unwrap_or_default(),
            ]),
        };
        let description = self.description.unwrap_or_else(|| match &major {
            Some(m) => format!("{degree_name} in {m}"),
            None => degree_name.clone(),
        });
        let criteria = self
            .criteria
            .unwrap_or_else(|| format!("Completed all requirements for the {description}."));

        let mut achievement = Map::new();
        achievement.insert("id".into(), Value::String(achievement_id.clone()));
        achievement.insert("type".into(), json!(["Achievement"]));
        achievement.insert("achievementType".into(), Value::String(achievement_type.to_owned()));
        achievement.insert("name".into(), Value::String(degree_name.clone()));
        achievement.insert("description".into(), Value::String(description));
        achievement.insert("criteria".into(), json!({ "narrative": criteria }));
        if let Some(m) = &major {
            achievement.insert("fieldOfStudy".into(), Value::String(m.clone()));
        }
        let mut descriptions = Vec::new();
        let mut results = Vec::new();
        for (value, result_type, name) in [
            (&self.gpa, GPA_RESULT_TYPE, "Grade Point Average"),
            (&self.honors, HONORS_RESULT_TYPE, "Honors"),
        ] {
            if let Some(value) = value {
                let id = derived_urn_uuid(&[&achievement_id, result_type]);
                descriptions.push(json!({
                    "id": id, "type": ["ResultDescription"], "name": name, "resultType": result_type
                }));
                results.push(json!({ "type": ["Result"], "resultDescription": id, "value": value }));
            }
        }
        if !descriptions.is_empty() {
            achievement.insert("resultDescription".into(), Value::Array(descriptions));
        }

        let mut subject = Map::new();
        subject.insert("id".into(), Value::String(student_id));
        subject.insert("type".into(), json!(["AchievementSubject"]));
        let mut identifiers: Vec<Value> = student_name
            .map(|name| {
                json!({
                    "type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": name
                })
            })
            .into_iter()
            .collect();
        identifiers.extend(self.hashed_identifiers);
        if identifiers.is_empty() {
            return Err(record_error(
                "/credentialSubject/identifier",
                "the student needs a name or a hashed identifier",
            ));
        }
        subject.insert("identifier".into(), Value::Array(identifiers));
        subject.insert("achievement".into(), Value::Object(achievement));
        if !results.is_empty() {
            subject.insert("result".into(), Value::Array(results));
        }

        let credential_id = match self.credential_id {
            Some(id) => id,
            None => random_urn_uuid()?,
        };
        let mut builder = Diploma::credential_builder()
            .id(credential_id)
            .issuer_object(json!({ "id": issuer_id, "type": ["Profile"], "name": issuer_name }))
            .name(degree_name)
            .valid_from(self.valid_from.unwrap_or_else(OffsetDateTime::now_utc))
            .subject(subject);
        if let Some(until) = self.valid_until {
            builder = builder.valid_until(until);
        }
        if let Some(date) = self.graduated {
            let awarded = PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc();
            let text = format_date_time_stamp(awarded).map_err(|reason| record_error("/awardedDate", reason))?;
            builder = builder.property("awardedDate", text);
        }
        for entry in self.status {
            builder = builder.status(entry);
        }
        builder.build()
    }
}

/// An Open Badges `achievementType`: a PascalCase enumeration value or an
/// `ext:` extension of letters, digits, `.`, `-` and `_`.
fn is_achievement_type(s: &str) -> bool {
    let name = s.strip_prefix("ext:").unwrap_or(s);
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && (s.starts_with("ext:") || name.starts_with(|c: char| c.is_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn bachelor() -> DiplomaBuilder {
        Diploma::builder()
            .student("did:example:alice", "Alice Zhang")
            .degree(DegreeType::Bachelor, "Bachelor of Science")
            .major("Computer Science")
            .graduated(date!(2025 - 06 - 30))
            .honors("magna cum laude")
            .gpa("3.85")
            .issuer("did:web:uni.example", "Example University")
            .credential_id("urn:uuid:0b9e5d4c-7f43-4a8e-9a57-2b1f6f0d2c11")
            .valid_from(datetime!(2025-07-01 09:00 UTC))
    }

    #[test]
    fn a_diploma_can_name_the_student_by_salted_hashes_only() {
        use crate::records::identity::{EMAIL_ADDRESS, STUDENT_NUMBER, find_identity, identity_hash};
        let credential = bachelor()
            .student_hashed("did:example:alice", EMAIL_ADDRESS, "alice@example.edu", "s4lt")
            .hashed_identifier(STUDENT_NUMBER, "2025-0042", "s4lt")
            .build()
            .unwrap();
        let v = credential.to_value();
        let ids = &v["credentialSubject"]["identifier"];
        assert_eq!(ids.as_array().map(Vec::len), Some(2), "{ids}");
        assert_eq!(ids[0]["identityType"], "emailAddress");
        assert_eq!(ids[0]["hashed"], true);
        assert_eq!(ids[0]["salt"], "s4lt");
        assert_eq!(ids[0]["identityHash"], identity_hash("alice@example.edu", "s4lt"));
        assert_eq!(ids[1]["identityType"], "sisSourcedId");
        // The name is nowhere in the credential.
        assert!(!v.to_string().contains("Alice Zhang"));
        assert_eq!(Diploma::from_credential(&credential).unwrap().student_name, None);

        let subject = credential.subjects()[0].clone();
        assert_eq!(
            find_identity(&subject, "alice@example.edu"),
            Some((0, "emailAddress".into()))
        );
        assert_eq!(find_identity(&subject, "2025-0042"), Some((1, "sisSourcedId".into())));
        assert_eq!(find_identity(&subject, "mallory@example.edu"), None);
    }

    #[test]
    fn diploma_has_the_open_badges_shape() {
        let credential = bachelor().build().unwrap();
        let v = credential.to_value();
        assert_eq!(v["@context"][1], OB3_CONTEXT);
        assert_eq!(v["type"][1], "AchievementCredential");
        assert_eq!(v["issuer"]["type"][0], "Profile");
        assert_eq!(v["issuer"]["name"], "Example University");
        assert_eq!(v["awardedDate"], "2025-06-30T00:00:00Z");
        assert_eq!(v["validFrom"], "2025-07-01T09:00:00Z");
        let subject = &v["credentialSubject"];
        assert_eq!(subject["type"][0], "AchievementSubject");
        assert_eq!(subject["identifier"][0]["identityHash"], "Alice Zhang");
        let achievement = &subject["achievement"];
        assert_eq!(achievement["type"][0], "Achievement");
        assert_eq!(achievement["achievementType"], "BachelorDegree");
        assert_eq!(
            achievement["criteria"]["narrative"],
            "Completed all requirements for the Bachelor of Science in Computer Science."
        );
        assert_eq!(subject["result"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn diploma_reads_back() {
        let diploma = Diploma::from_credential(&bachelor().build().unwrap()).unwrap();
        assert_eq!(diploma.issuer_id, "did:web:uni.example");
        assert_eq!(diploma.issuer_name.as_deref(), Some("Example University"));
        assert_eq!(diploma.student_id.as_deref(), Some("did:example:alice"));
        assert_eq!(diploma.student_name.as_deref(), Some("Alice Zhang"));
        assert_eq!(diploma.degree_type, DegreeType::Bachelor);
        assert_eq!(diploma.gpa.as_deref(), Some("3.85"));
        assert_eq!(diploma.honors.as_deref(), Some("magna cum laude"));
        assert_eq!(diploma.graduated, Some(datetime!(2025-06-30 00:00 UTC)));
    }

    #[test]
    fn achievement_id_is_shared_by_a_programme() {
        let a = Diploma::from_credential(&bachelor().build().unwrap()).unwrap();
        let b = Diploma::from_credential(&bachelor().student("did:example:carol", "Carol").build().unwrap()).unwrap();
        assert_eq!(a.achievement_id, b.achievement_id);
        let c = Diploma::from_credential(&bachelor().major("Physics").build().unwrap()).unwrap();
        assert_ne!(a.achievement_id, c.achievement_id);
    }

    #[test]
    fn missing_parts_are_named() {
        let err = Diploma::builder()
            .degree(DegreeType::Master, "MA")
            .issuer("did:web:u", "U")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("/credentialSubject"), "{err}");
        let err = bachelor().issuer("not a url", "U").build().unwrap_err();
        assert!(err.to_string().contains("/issuer/id"), "{err}");
        let err = bachelor()
            .degree(DegreeType::Other("bad type".into()), "X")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("achievementType"), "{err}");
        assert!(
            bachelor()
                .degree(DegreeType::Other("ext:Habilitation".into()), "Dr. habil.")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn degree_types_round_trip() {
        for t in [
            DegreeType::Associate,
            DegreeType::Bachelor,
            DegreeType::Master,
            DegreeType::Doctoral,
            DegreeType::ProfessionalDoctorate,
            DegreeType::ResearchDoctorate,
            DegreeType::Diploma,
            DegreeType::SecondarySchool,
            DegreeType::Certificate,
            DegreeType::Other("ext:Habilitation".into()),
        ] {
            assert_eq!(DegreeType::from_achievement_type(t.achievement_type()), t);
        }
    }
}
