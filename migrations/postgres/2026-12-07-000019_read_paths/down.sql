DROP INDEX enrollments_course_status;
