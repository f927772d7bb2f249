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

# Students' stubs, as in homework/release (made without nbgrader by `python tools/release_homework.py homework`).
c.ClearSolutions.code_stub = {"python": '# YOUR CODE HERE\nraise NotImplementedError("write your solution here")'}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Grading must not depend on cell structure: put back any graded cell a student deleted. The hidden tests take the
# student's functions from the kernel (which has just run the whole notebook) and read the notebook file only for
# what the kernel lacks (emcourse.exercises.grading); they run them under emcourse.exercises.guard.
c.OverwriteCells.add_missing_cells = True

# Each notebook runs in at most 5 minutes when autograded.
c.ExecutePreprocessor.timeout = 300
