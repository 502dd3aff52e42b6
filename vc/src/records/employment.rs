//! Employment records: who worked where, in which role, from when to when.
//!
//! The credential uses the crate's own context,
//! [`EMPLOYMENT_CONTEXT_V1`] (bundled: see
//! [`bundled_context`](crate::credential::bundled_context)), whose terms map
//! to schema.org where schema.org has one (`EmployeeRole`, `worksFor`,
//! `jobTitle`, `startDate`, `baseSalary`, ...). The subject looks like:
//!
//! ```json
//! {
//!   "id": "did:example:alice",
//!   "name": "Alice Zhang",
//!   "employment": {
//!     "type": "EmployeeRole",
//!     "employer": {"id": "did:web:acme.example", "type": "Organization", "name": "Acme"},
//!     "jobTitle": "Senior Engineer",
//!     "employmentType": "FULL_TIME",
//!     "startDate": "2020-01-06",
//!     "endDate": "2024-06-30"
//!   }
//! }
//! ```
//!
//! The salary band is withheld unless the issuer asks for it with
//! [`disclose_salary_band`](EmploymentCredentialBuilder::disclose_salary_band);
//! when disclosed it sits at [`SALARY_BAND_POINTER`], which an SD-JWT issuer
//! can make selectively disclosable.

use std::fmt;
use std::str::FromStr;

use serde_json::{Map, Value, json};
use time::{Date, OffsetDateTime};

use super::{Record, optional_str, record_error, required_str};
use crate::credential::datetime::{format_date, parse_date};
use crate::credential::is_url;
use crate::status::StatusListEntry;
use crate::{Credential, Error, Result};

/// URL of the employment context, version 1.
pub const EMPLOYMENT_CONTEXT_V1: &str = "https://xinlian.dev/contexts/employment/v1";
/// The employment context document, version 1.
pub const EMPLOYMENT_CONTEXT_V1_DOCUMENT: &str = include_str!("../../contexts/employment-v1.jsonld");
/// The credential type of an employment record.
pub const EMPLOYMENT_CREDENTIAL_TYPE: &str = "EmploymentCredential";
/// JSON pointer of the salary band in a credential, when disclosed.
pub const SALARY_BAND_POINTER: &str = "/credentialSubject/employment/baseSalary";

/// The kind of employment, with schema.org's `employmentType` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmploymentType {
    /// `FULL_TIME`.
    FullTime,
    /// `PART_TIME`.
    PartTime,
    /// `CONTRACTOR`.
    Contractor,
    /// `TEMPORARY`.
    Temporary,
    /// `INTERN`.
    Intern,
    /// `VOLUNTEER`.
    Volunteer,
    /// `PER_DIEM`.
    PerDiem,
    /// `OTHER`.
    Other,
}

impl EmploymentType {
    /// The value as written in the credential.
    pub fn as_str(self) -> &'static str {
        match self {
            EmploymentType::FullTime => "FULL_TIME",
            EmploymentType::PartTime => "PART_TIME",
            EmploymentType::Contractor => "CONTRACTOR",
            EmploymentType::Temporary => "TEMPORARY",
            EmploymentType::Intern => "INTERN",
            EmploymentType::Volunteer => "VOLUNTEER",
            EmploymentType::PerDiem => "PER_DIEM",
            EmploymentType::Other => "OTHER",
        }
    }
}

impl FromStr for EmploymentType {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Ok(match s {
            "FULL_TIME" => EmploymentType::FullTime,
            "PART_TIME" => EmploymentType::PartTime,
            "CONTRACTOR" => EmploymentType::Contractor,
            "TEMPORARY" => EmploymentType::Temporary,
            "INTERN" => EmploymentType::Intern,
            "VOLUNTEER" => EmploymentType::Volunteer,
            "PER_DIEM" => EmploymentType::PerDiem,
            "OTHER" => EmploymentType::Other,
            other => {
                return Err(record_error(
                    "/credentialSubject/employment/employmentType",
                    format!("unknown employmentType {other:?}"),
                ));
            }
        })
    }
}

impl fmt::Display for EmploymentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The employing organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Employer {
    /// Its id (usually a DID), if it has one.
    pub id: Option<String>,
    /// Its trading name.
    pub name: String,
    /// Its registered legal name, if different.
    pub legal_name: Option<String>,
}

/// A salary range (schema.org `MonetaryAmount`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalaryBand {
    /// ISO 4217 currency code ("EUR").
    pub currency: String,
    /// Lower bound.
    pub min: u64,
    /// Upper bound.
    pub max: u64,
    /// The period the amounts cover: `HOUR`, `MONTH`, `YEAR`, ...
    pub unit: String,
}

/// An employment record read back from an `EmploymentCredential`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmploymentCredential {
    /// The employee's id (usually a DID).
    pub employee_id: String,
    /// The employee's name.
    pub employee_name: Option<String>,
    /// The employer.
    pub employer: Employer,
    /// The role's title.
    pub job_title: String,
    /// The department, if stated.
    pub department: Option<String>,
    /// Full-time, part-time, ...
    pub employment_type: Option<EmploymentType>,
    /// First day of employment.
    pub start_date: Date,
    /// Last day of employment; `None` while still employed.
    pub end_date: Option<Date>,
    /// The salary band, when the credential discloses it.
    pub salary_band: Option<SalaryBand>,
}

impl EmploymentCredential {
    /// Starts an employment credential.
    pub fn builder() -> EmploymentCredentialBuilder {
        EmploymentCredentialBuilder::default()
    }

    /// Whether the employee still works there.
    pub fn is_current(&self) -> bool {
        self.end_date.is_none()
    }
}

impl Record for EmploymentCredential {
    const CREDENTIAL_TYPE: &'static str = EMPLOYMENT_CREDENTIAL_TYPE;
    const CONTEXTS: &'static [&'static str] = &[EMPLOYMENT_CONTEXT_V1];

    fn from_credential(credential: &Credential) -> Result<Self> {
        if !Self::is_record(credential) {
            return Err(record_error("/type", "type must include EmploymentCredential"));
        }
        let subjects = credential.subjects();
        let [subject] = subjects.as_slice() else {
            return Err(record_error(
                "/credentialSubject",
                "an employment record has exactly one subject",
            ));
        };
        let employee_id = required_str(subject, "id", "/credentialSubject")?.to_owned();
        let path = "/credentialSubject/employment";
        let employment = subject
            .get("employment")
            .and_then(Value::as_object)
            .ok_or_else(|| record_error(path, "employment must be an object"))?;
        let employer_path = format!("{path}/employer");
        let employer = employment
            .get("employer")
            .and_then(Value::as_object)
            .ok_or_else(|| record_error(&employer_path, "employer must be an object"))?;
        let employer = Employer {
            id: optional_str(employer, "id"),
            name: required_str(employer, "name", &employer_path)?.to_owned(),
            legal_name: optional_str(employer, "legalName"),
        };
        let date = |key: &str| -> Result<Option<Date>> {
            match employment.get(key) {
                None => Ok(None),
                Some(Value::String(s)) => parse_date(s)
                    .map(Some)
                    .map_err(|reason| record_error(&format!("{path}/{key}"), reason)),
                Some(_) => Err(record_error(
                    &format!("{path}/{key}"),
                    format!("{key} must be a date string"),
                )),
            }
        };
        let start_date =
            date("startDate")?.ok_or_else(|| record_error(&format!("{path}/startDate"), "startDate is missing"))?;
        let end_date = date("endDate")?;
        let employment_type = match employment.get("employmentType") {
            None => None,
            Some(v) => Some(
                v.as_str()
                    .ok_or_else(|| record_error(&format!("{path}/employmentType"), "employmentType must be a string"))?
                    .parse()?,
            ),
        };
        let salary_band = match employment.get("baseSalary") {
            None => None,
            Some(Value::Object(s)) => {
                let amount = |key: &str| {
                    s.get(key).and_then(Value::as_u64).ok_or_else(|| {
                        record_error(
                            &format!("{SALARY_BAND_POINTER}/{key}"),
                            format!("{key} must be a whole number"),
                        )
                    })
                };
                Some(SalaryBand {
                    currency: required_str(s, "currency", SALARY_BAND_POINTER)?.to_owned(),
                    min: amount("minValue")?,
                    max: amount("maxValue")?,
                    unit: optional_str(s, "unitText").unwrap_or_else(|| "YEAR".into()),
                })
            }
            Some(_) => return Err(record_error(SALARY_BAND_POINTER, "baseSalary must be an object")),
        };
        Ok(EmploymentCredential {
            employee_id,
            employee_name: optional_str(subject, "name"),
            employer,
            job_title: required_str(employment, "jobTitle", path)?.to_owned(),
            department: optional_str(employment, "department"),
            employment_type,
            start_date,
            end_date,
            salary_band,
        })
    }
}

/// Builds an employment credential. Required: [`employee`](Self::employee),
/// [`employer`](Self::employer), [`title`](Self::title) and
/// [`started`](Self::started).
///
/// ```
/// use time::macros::date;
/// use xinlian_vc::records::{EmploymentCredential, EmploymentType, Record};
///
/// let credential = EmploymentCredential::builder()
///     .employee("did:example:alice", "Alice Zhang")
///     .employer("did:web:acme.example", "Acme Ltd")
///     .title("Senior Engineer")
///     .employment_type(EmploymentType::FullTime)
///     .started(date!(2020 - 01 - 06))
///     .ended(date!(2024 - 06 - 30))
///     .build()
///     .unwrap();
/// assert_eq!(credential.issuer_id(), "did:web:acme.example");
/// let record = EmploymentCredential::from_credential(&credential).unwrap();
/// assert_eq!(record.job_title, "Senior Engineer");
/// assert!(!record.is_current());
/// ```
#[derive(Debug, Clone, Default)]
pub struct EmploymentCredentialBuilder {
    employee: Option<(String, Option<String>)>,
    employer: Option<Employer>,
    issuer: Option<String>,
    title: Option<String>,
    department: Option<String>,
    employment_type: Option<EmploymentType>,
    started: Option<Date>,
    ended: Option<Date>,
    salary_band: Option<SalaryBand>,
    disclose_salary_band: bool,
    credential_id: Option<String>,
    valid_from: Option<OffsetDateTime>,
    valid_until: Option<OffsetDateTime>,
    status: Vec<StatusListEntry>,
}

impl EmploymentCredentialBuilder {
    /// The employee: their id (usually a DID) and name.
    pub fn employee(mut self, id: impl Into<String>, name: impl Into<String>) -> Self {
        self.employee = Some((id.into(), Some(name.into())));
        self
    }

    /// The employee by id only (no name in the credential).
    pub fn employee_id(mut self, id: impl Into<String>) -> Self {
        self.employee = Some((id.into(), None));
        self
    }

    /// The employer: its id (usually a DID, also the default issuer) and
    /// name.
    pub fn employer(mut self, id: impl Into<String>, name: impl Into<String>) -> Self {
        self.employer = Some(Employer {
            id: Some(id.into()),
            name: name.into(),
            legal_name: None,
        });
        self
    }

    /// The employer's registered legal name.
    pub fn employer_legal_name(mut self, legal_name: impl Into<String>) -> Self {
        if let Some(employer) = &mut self.employer {
            employer.legal_name = Some(legal_name.into());
        }
        self
    }

    /// The issuer, when not the employer itself (e.g. a payroll provider).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// The role's title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The department.
    pub fn department(mut self, department: impl Into<String>) -> Self {
        self.department = Some(department.into());
        self
    }

    /// Full-time, part-time, ...
    pub fn employment_type(mut self, employment_type: EmploymentType) -> Self {
        self.employment_type = Some(employment_type);
        self
    }

    /// First day of employment.
    pub fn started(mut self, date: Date) -> Self {
        self.started = Some(date);
        self
    }

    /// Last day of employment (leave unset while employed).
    pub fn ended(mut self, date: Date) -> Self {
        self.ended = Some(date);
        self
    }

    /// The salary band. Withheld from the credential unless
    /// [`disclose_salary_band`](Self::disclose_salary_band) is called too.
    pub fn salary_band(mut self, band: SalaryBand) -> Self {
        self.salary_band = Some(band);
        self
    }

    /// Puts the salary band in the credential.
    pub fn disclose_salary_band(mut self) -> Self {
        self.disclose_salary_band = true;
        self
    }

    /// The credential's id.
    pub fn credential_id(mut self, id: impl Into<String>) -> Self {
        self.credential_id = Some(id.into());
        self
    }

    /// `validFrom`; the current time when not set.
    pub fn valid_from(mut self, at: OffsetDateTime) -> Self {
        self.valid_from = Some(at);
        self
    }

    /// `validUntil`.
    pub fn valid_until(mut self, at: OffsetDateTime) -> Self {
        self.valid_until = Some(at);
        self
    }

    /// A status list entry (e.g. for revocation).
    pub fn status(mut self, entry: StatusListEntry) -> Self {
        self.status.push(entry);
        self
    }

    /// Assembles and checks the `EmploymentCredential`.
    ///
    /// # Errors
    ///
    /// [`Error::Structure`] with `what: "record"` for missing parts, ids
    /// that are not URLs, an end before the start or a salary band whose
    /// minimum exceeds its maximum; data-model errors from
    /// [`Credential::from_value`].
    pub fn build(self) -> Result<Credential> {
        let path = "/credentialSubject/employment";
        let (employee_id, employee_name) = self
            .employee
            .ok_or_else(|| record_error("/credentialSubject/id", "the employee is missing"))?;
        let employer = self
            .employer
            .ok_or_else(|| record_error(&format!("{path}/employer"), "the employer is missing"))?;
        let title = self
            .title
            .ok_or_else(|| record_error(&format!("{path}/jobTitle"), "the job title is missing"))?;
        let started = self
            .started
            .ok_or_else(|| record_error(&format!("{path}/startDate"), "the start date is missing"))?;
        if let Some(ended) = self.ended
            && ended < started
        {
            return Err(record_error(
                &format!("{path}/endDate"),
                "the end date is before the start date",
            ));
        }
        let issuer = self
            .issuer
            .or_else(|| employer.id.clone())
            .ok_or_else(|| record_error("/issuer", "the issuer is missing"))?;
        if let Some(id) = employer.id.as_deref().filter(|id| !is_url(id)) {
            return Err(record_error(
                &format!("{path}/employer/id"),
                format!("employer id {id:?} is not a URL"),
            ));
        }

        let mut employer_object = Map::new();
        if let Some(id) = &employer.id {
            employer_object.insert("id".into(), Value::String(id.clone()));
        }
        employer_object.insert("type".into(), Value::String("Organization".into()));
        employer_object.insert("name".into(), Value::String(employer.name));
        if let Some(legal) = employer.legal_name {
            employer_object.insert("legalName".into(), Value::String(legal));
        }

        let mut employment = Map::new();
        employment.insert("type".into(), Value::String("EmployeeRole".into()));
        employment.insert("employer".into(), Value::Object(employer_object));
        employment.insert("jobTitle".into(), Value::String(title));
        if let Some(department) = self.department {
            employment.insert("department".into(), Value::String(department));
        }
        if let Some(t) = self.employment_type {
            employment.insert("employmentType".into(), Value::String(t.as_str().into()));
        }
        employment.insert("startDate".into(), Value::String(format_date(started)));
        if let Some(ended) = self.ended {
            employment.insert("endDate".into(), Value::String(format_date(ended)));
        }
        if let (Some(band), true) = (self.salary_band, self.disclose_salary_band) {
            if band.min > band.max {
                return Err(record_error(
                    SALARY_BAND_POINTER,
                    "the salary band's minimum exceeds its maximum",
                ));
            }
            employment.insert(
                "baseSalary".into(),
                json!({
                    "type": "MonetaryAmount", "currency": band.currency,
                    "minValue": band.min, "maxValue": band.max, "unitText": band.unit
                }),
            );
        }

        let mut subject = Map::new();
        subject.insert("id".into(), Value::String(employee_id));
        if let Some(name) = employee_name {
            subject.insert("name".into(), Value::String(name));
        }
        subject.insert("employment".into(), Value::Object(employment));

        let mut builder = EmploymentCredential::credential_builder()
            .issuer(issuer)
            .valid_from(self.valid_from.unwrap_or_else(OffsetDateTime::now_utc))
            .subject(subject);
        if let Some(id) = self.credential_id {
            builder = builder.id(id);
        }
        if let Some(until) = self.valid_until {
            builder = builder.valid_until(until);
        }
        for entry in self.status {
            builder = builder.status(entry);
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn band() -> SalaryBand {
        SalaryBand {
            currency: "EUR".into(),
            min: 60_000,
            max: 80_000,
            unit: "YEAR".into(),
        }
    }

    fn base() -> EmploymentCredentialBuilder {
        EmploymentCredential::builder()
            .employee("did:example:alice", "Alice Zhang")
            .employer("did:web:acme.example", "Acme")
            .employer_legal_name("Acme Holdings Ltd")
            .title("Senior Engineer")
            .department("Platform")
            .employment_type(EmploymentType::FullTime)
            .started(date!(2020 - 01 - 06))
            .salary_band(band())
            .valid_from(datetime!(2024-07-01 00:00 UTC))
    }

    #[test]
    fn salary_band_is_withheld_by_default() {
        let credential = base().build().unwrap();
        assert!(credential.to_value().pointer(SALARY_BAND_POINTER).is_none());
        let record = EmploymentCredential::from_credential(&credential).unwrap();
        assert_eq!(record.salary_band, None);
        assert!(record.is_current());

        let disclosed = base().disclose_salary_band().build().unwrap();
        assert_eq!(
            disclosed.to_value().pointer(SALARY_BAND_POINTER).unwrap()["minValue"],
            60_000
        );
        let record = EmploymentCredential::from_credential(&disclosed).unwrap();
        assert_eq!(record.salary_band, Some(band()));
    }

    #[test]
    fn record_round_trips() {
        let credential = base()
            .ended(date!(2024 - 06 - 30))
            .credential_id("urn:uuid:1")
            .build()
            .unwrap();
        let v = credential.to_value();
        assert_eq!(v["@context"][1], EMPLOYMENT_CONTEXT_V1);
        assert_eq!(v["type"][1], "EmploymentCredential");
        assert_eq!(v["credentialSubject"]["employment"]["startDate"], "2020-01-06");
        let record = EmploymentCredential::from_credential(&credential).unwrap();
        assert_eq!(
            record,
            EmploymentCredential {
                employee_id: "did:example:alice".into(),
                employee_name: Some("Alice Zhang".into()),
                employer: Employer {
                    id: Some("did:web:acme.example".into()),
                    name: "Acme".into(),
                    legal_name: Some("Acme Holdings Ltd".into()),
                },
                job_title: "Senior Engineer".into(),
                department: Some("Platform".into()),
                employment_type: Some(EmploymentType::FullTime),
                start_date: date!(2020 - 01 - 06),
                end_date: Some(date!(2024 - 06 - 30)),
                salary_band: None,
            }
        );
    }

    #[test]
    fn bad_inputs_are_named() {
        let err = base().ended(date!(2019 - 01 - 01)).build().unwrap_err();
        assert!(
            err.to_string().contains("/credentialSubject/employment/endDate"),
            "{err}"
        );
        let err = base()
            .salary_band(SalaryBand {
                min: 9,
                max: 1,
                ..band()
            })
            .disclose_salary_band()
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(SALARY_BAND_POINTER), "{err}");
        let err = EmploymentCredential::builder().build().unwrap_err();
        assert!(err.to_string().contains("/credentialSubject/id"), "{err}");
        for t in [
            "FULL_TIME",
            "PART_TIME",
            "CONTRACTOR",
            "TEMPORARY",
            "INTERN",
            "VOLUNTEER",
            "PER_DIEM",
            "OTHER",
        ] {
            assert_eq!(t.parse::<EmploymentType>().unwrap().as_str(), t);
        }
        assert!("full time".parse::<EmploymentType>().is_err());
    }
}
