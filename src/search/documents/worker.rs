//! A worker's search document, and the codes matching ranks on.

use super::*;

/// One worker's document: what search shows and filters on, and, for a worker seeking work
/// who consents to share, the codes matching ranks on.
pub(super) fn worker_document(
    reference: &Reference,
    fields: &Fields,
    row: WorkerRow,
    desired: Vec<String>,
    mut trained: Vec<String>,
    open_referrals: u64,
) -> TantivyDocument {
    let (
        (id, full_name, birth_date, ethnicity, commune_id),
        (qualifications, disability, skills, relocate, overseas),
        (availability, consent, household_status),
    ) = row;
    trained.sort();
    trained.dedup();
    let mut doc = TantivyDocument::new();
    doc.add_text(fields.kind, Kind::Worker.as_str());
    doc.add_text(fields.id, &id);
    doc.add_text(fields.name, &full_name);
    doc.add_text(fields.name_folded, &full_name);
    doc.add_text(fields.pairs, &full_name);
    let mut profile = vec![skills.as_str(), qualifications.as_str()];
    profile.extend(desired.iter().map(|code| reference.occupation_name(code)));
    let profile = profile.join(" · ");
    doc.add_text(fields.text, &profile);
    doc.add_text(fields.text_folded, &profile);
    doc.add_text(fields.pairs, &profile);
    reference.place(Some(&commune_id), fields, &mut doc);
    let (commune, district) = reference.place_numbers(&commune_id);
    if let Some(status) = &household_status {
        doc.add_text(fields.tags, format!("status:{status}"));
    }
    doc.add_text(fields.tags, format!("avail:{availability}"));
    doc.add_text(
        fields.tags,
        if overseas {
            "overseas:yes"
        } else {
            "overseas:no"
        },
    );
    for code in &desired {
        doc.add_text(fields.tags, format!("occ:{code}"));
        doc.add_u64(fields.occupations, occupation_number(code));
    }
    for code in &trained {
        doc.add_u64(fields.trained, occupation_number(code));
    }
    let minority = reference.minorities.contains(&ethnicity);
    let target = household_status
        .as_deref()
        .is_some_and(|status| TARGET_STATUSES.contains(&status));
    let eligible = availability == "seeking" && consent;
    let mut flags = 0;
    for (on, bit) in [
        (eligible, flag::ELIGIBLE),
        (overseas, flag::WILLING_OVERSEAS),
        (relocate, flag::RELOCATE),
        (minority, flag::MINORITY),
        (disability, flag::DISABLED),
    ] {
        if on {
            flags |= bit;
        }
    }
    if eligible {
        doc.add_text(fields.tags, "match:worker");
        doc.add_text(fields.match_text, &profile);
        let codes = worker_match_codes(
            &desired,
            &trained,
            (commune, district),
            [relocate, target, minority, disability],
        );
        for code in codes {
            doc.add_text(fields.match_code, code);
        }
    }
    doc.add_u64(
        fields.household_status,
        status_number(household_status.as_deref()),
    );
    doc.add_i64(fields.birth_day, day_number(birth_date));
    doc.add_u64(fields.flags, flags);
    doc.add_u64(fields.open_referrals, open_referrals);
    doc
}

/// The match codes of an eligible worker: desired occupations and their groups, trained
/// occupations, commune and district, willingness to move and the priority groups.
fn worker_match_codes(
    desired: &[String],
    trained: &[String],
    (commune, district): (u64, u64),
    [relocate, target, minority, disability]: [bool; 4],
) -> Vec<String> {
    let mut codes: Vec<String> = Vec::new();
    for code in desired {
        codes.push(format!("o{code}"));
        codes.push(format!("g{}", group_of(code)));
    }
    for code in trained {
        codes.push(format!("t{code}"));
    }
    codes.push(format!("c{commune}"));
    if district > 0 {
        codes.push(format!("d{district}"));
    }
    for (on, code) in [
        (relocate, "r"),
        (target, "p_target"),
        (minority, "p_minority"),
        (disability, "p_disabled"),
    ] {
        if on {
            codes.push(code.to_owned());
        }
    }
    codes.sort();
    codes.dedup();
    codes
}
