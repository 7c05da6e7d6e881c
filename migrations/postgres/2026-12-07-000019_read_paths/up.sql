-- A course's seats taken are counted from this index alone (course and status), without a
-- visit to each enrolment's row: the course search counts them for every hit.
CREATE INDEX enrollments_course_status ON enrollments (course_id, status);
