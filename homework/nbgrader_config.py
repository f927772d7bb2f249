# nbgrader configuration for the emcourse problem sets (run nbgrader commands from this folder).
c = get_config()  # noqa: F821 - provided by nbgrader

c.CourseDirectory.course_id = "emcourse"
c.CourseDirectory.root = "."
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"

# Students' stubs name the exercise, as in homework/release (made by `python -m emcourse.homework`).
c.ClearSolutions.code_stub = {"python": '# YOUR CODE HERE\nraise NotImplementedError("write your solution here")'}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading must not depend on cell structure: put back any graded cell a student deleted
# (the hidden tests themselves find the student's functions by name in the notebook file).
c.OverwriteCells.add_missing_cells = True

# Each notebook runs in at most 5 minutes when autograded.
c.ExecutePreprocessor.timeout = 300
