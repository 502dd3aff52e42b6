//! Diplomas and employment records: built by one short call, valid VC 2.0
//! credentials, readable back as typed records, with their context bundled.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use serde_json::{Value, json};
use time::macros::{date, datetime};
use xinlian_vc::credential::bundled_context;
use xinlian_vc::records::diploma::OB3_CONTEXT;
use xinlian_vc::records::employment::{EMPLOYMENT_CONTEXT_V1, SALARY_BAND_POINTER};
use xinlian_vc::records::{DegreeType, Diploma, EmploymentCredential, EmploymentType, Record, SalaryBand};
use xinlian_vc::status::{StatusListEntry, StatusPurpose, status_list_entries};
use xinlian_vc::{Credential, Presentation};

#[test]
fn a_diploma_is_one_short_call() {
    let entry = StatusListEntry::new(StatusPurpose::Revocation, 1234, "https://uni.example/status/1");
    let credential = Diploma::builder()
        .student("did:example:alice", "Alice Zhang")
        .degree(DegreeType::Bachelor, "Bachelor of Science")
        .major("Computer Science")
        .graduated(date!(2025 - 06 - 30))
        .honors("magna cum laude")
        .gpa("3.85")
        .issuer("did:web:uni.example", "Example University")
        .valid_from(datetime!(2025-07-01 09:00 UTC))
        .status(entry.clone())
        .build()
        .unwrap();

    // A valid VC 2.0 credential, also after a trip through JSON.
    let again = Credential::from_json(&serde_json::to_string(&credential).unwrap()).unwrap();
    assert_eq!(again, credential);
    assert_eq!(credential.contexts()[1], OB3_CONTEXT);
    assert!(Diploma::is_record(&credential));
    assert!(!EmploymentCredential::is_record(&credential));
    assert!(credential.id().unwrap().starts_with("urn:uuid:"));
    assert_eq!(status_list_entries(&credential).unwrap(), [entry]);

    let diploma = Diploma::from_credential(&credential).unwrap();
    assert_eq!(diploma.degree_type, DegreeType::Bachelor);
    assert_eq!(diploma.degree_name, "Bachelor of Science");
    assert_eq!(diploma.major.as_deref(), Some("Computer Science"));
    assert_eq!(diploma.honors.as_deref(), Some("magna cum laude"));
    assert_eq!(diploma.gpa.as_deref(), Some("3.85"));
    assert_eq!(diploma.student_name.as_deref(), Some("Alice Zhang"));
    assert_eq!(diploma.graduated, Some(datetime!(2025-06-30 00:00 UTC)));
}

#[test]
fn each_credential_gets_its_own_id() {
    let build = || {
        Diploma::builder()
            .student("did:example:alice", "Alice")
            .degree(DegreeType::ResearchDoctorate, "Doctor of Philosophy")
            .issuer("did:web:uni.example", "Example University")
            .build()
            .unwrap()
    };
    let (a, b) = (build(), build());
    assert_ne!(a.id(), b.id());
    assert_eq!(a.subjects()[0]["achievement"]["achievementType"], "ResearchDoctorate");
    assert_eq!(
        a.subjects()[0]["achievement"]["id"],
        b.subjects()[0]["achievement"]["id"]
    );
}

#[test]
fn a_diploma_from_another_issuer_reads_back() {
    // A hand-written OpenBadgeCredential, as another Open Badges issuer might send.
    let credential = Credential::from_value(json!({
        "@context": ["https://www.w3.org/ns/credentials/v2", OB3_CONTEXT],
        "id": "https://other.example/credentials/3732",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "https://other.example/issuers/565049", "type": ["Profile"], "name": "Other College"},
        "validFrom": "2010-01-01T00:00:00Z",
        "name": "Master of Arts",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://other.example/achievements/ma",
                "type": ["Achievement"],
                "achievementType": "MasterDegree",
                "name": "Master of Arts",
                "description": "MA",
                "criteria": {"narrative": "Thesis"}
            }
        }
    }))
    .unwrap();
    let diploma = Diploma::from_credential(&credential).unwrap();
    assert_eq!(diploma.degree_type, DegreeType::Master);
    assert_eq!(diploma.issuer_name.as_deref(), Some("Other College"));
    assert_eq!(diploma.student_name, None);
    assert_eq!(diploma.honors, None);

    let mut broken = credential.into_value();
    broken["credentialSubject"]["achievement"]["name"] = json!(7);
    let err = Diploma::from_credential(&Credential::from_value(broken).unwrap()).unwrap_err();
    assert!(err.to_string().contains("/credentialSubject/achievement/name"), "{err}");
}

#[test]
fn an_employment_record_and_its_context() {
    let credential = EmploymentCredential::builder()
        .employee("did:example:alice", "Alice Zhang")
        .employer("did:web:acme.example", "Acme")
        .title("Senior Engineer")
        .employment_type(EmploymentType::PartTime)
        .started(date!(2021 - 03 - 01))
        .salary_band(SalaryBand {
            currency: "CNY".into(),
            min: 300_000,
            max: 400_000,
            unit: "YEAR".into(),
        })
        .valid_from(datetime!(2025-01-01 00:00 UTC))
        .build()
        .unwrap();
    assert_eq!(credential.issuer_id(), "did:web:acme.example");
    assert!(
        credential.to_value().pointer(SALARY_BAND_POINTER).is_none(),
        "salary is withheld by default"
    );
    let record = EmploymentCredential::from_credential(&credential).unwrap();
    assert!(record.is_current());
    assert_eq!(record.employment_type, Some(EmploymentType::PartTime));

    // Every term the credential uses inside the subject is defined by the bundled context.
    let context: Value = serde_json::from_str(bundled_context(EMPLOYMENT_CONTEXT_V1).unwrap()).unwrap();
    let terms = context["@context"].as_object().unwrap();
    let value = credential.to_value();
    let employment = value
        .pointer("/credentialSubject/employment")
        .unwrap()
        .as_object()
        .unwrap();
    for key in employment.keys().filter(|k| *k != "type") {
        assert!(terms.contains_key(key), "{key} is not in the employment context");
    }
    for term in [
        "EmploymentCredential",
        "EmployeeRole",
        "Organization",
        "employer",
        "jobTitle",
    ] {
        assert!(terms.contains_key(term), "{term}");
    }
    assert_eq!(terms["employer"]["@id"], "https://schema.org/worksFor");
    assert_eq!(terms["startDate"]["@id"], "https://schema.org/startDate");
    // On disk under contexts/ too, byte for byte.
    let on_disk =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/contexts/employment-v1.jsonld")).unwrap();
    assert_eq!(bundled_context(EMPLOYMENT_CONTEXT_V1), Some(on_disk.as_str()));
}

#[test]
fn records_travel_in_a_presentation() {
    let diploma = Diploma::builder()
        .student("did:example:alice", "Alice")
        .degree(DegreeType::Bachelor, "Bachelor of Arts")
        .issuer("did:web:uni.example", "Example University")
        .build()
        .unwrap();
    let job = EmploymentCredential::builder()
        .employee_id("did:example:alice")
        .employer("did:web:acme.example", "Acme")
        .title("Analyst")
        .started(date!(2022 - 09 - 01))
        .build()
        .unwrap();
    let vp = Presentation::builder()
        .holder("did:example:alice")
        .credentials([diploma, job])
        .build()
        .unwrap();
    let back = Presentation::from_json(&serde_json::to_string(&vp).unwrap()).unwrap();
    assert_eq!(back.credentials().len(), 2);
    assert!(Diploma::is_record(&back.credentials()[0]));
    assert_eq!(
        EmploymentCredential::from_credential(&back.credentials()[1])
            .unwrap()
            .job_title,
        "Analyst"
    );
}
