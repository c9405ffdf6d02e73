"""Peewee migrations -- 020_materials.py.

Written by hand (other branches add migrations in parallel; this one depends only on 012's tables).

Learning (issue 11): materials, courses and their lessons, each deputy's progress and course
completions; training classes with their sessions, invitations (reply slips) and attendance.
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    user_model, deputy_model, file_model = migrator.orm["user"], migrator.orm["deputy"], migrator.orm["stored_file"]

    def creator_field():
        return pw.ForeignKeyField(column_name="created_by_id", field="id", model=user_model, null=True, on_delete="SET NULL")

    @migrator.create_model
    class Material(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        kind = pw.CharField(max_length=10)
        category = pw.CharField(max_length=10, index=True)
        tags = pw.TextField()
        summary = pw.CharField(max_length=500, default="")
        body = pw.TextField(default="")
        file = pw.ForeignKeyField(column_name="file_id", field="id", model=file_model, null=True, on_delete="RESTRICT")
        url = pw.CharField(max_length=500, null=True)
        estimated_minutes = pw.IntegerField(default=10)
        audience = pw.TextField()
        state = pw.CharField(max_length=12, default="draft", index=True)
        pinned = pw.BooleanField(default=False)
        published_at = pw.DateTimeField(null=True)
        created_by = creator_field()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "material"

    @migrator.create_model
    class Course(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        category = pw.CharField(max_length=10, index=True)
        summary = pw.CharField(max_length=500, default="")
        syllabus = pw.TextField(default="")
        audience = pw.TextField()
        required = pw.BooleanField(default=False)
        due_date = pw.DateField(null=True)
        state = pw.CharField(max_length=12, default="draft", index=True)
        pinned = pw.BooleanField(default=False)
        published_at = pw.DateTimeField(null=True)
        reminder_count = pw.IntegerField(default=0)
        last_reminded_at = pw.DateTimeField(null=True)
        created_by = creator_field()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "course"

    @migrator.create_model
    class Lesson(pw.Model):
        id = pw.AutoField()
        course = pw.ForeignKeyField(column_name="course_id", field="id", model=Course, on_delete="CASCADE")
        position = pw.IntegerField()
        title = pw.CharField(max_length=200)
        material = pw.ForeignKeyField(column_name="material_id", field="id", model=Material, on_delete="RESTRICT")
        estimated_minutes = pw.IntegerField(default=10)

        class Meta:
            table_name = "course_lesson"
            indexes = [(("course", "position"), False), (("course", "material"), True)]

    @migrator.create_model
    class Progress(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name="deputy_id", field="id", model=deputy_model, on_delete="CASCADE")
        material = pw.ForeignKeyField(column_name="material_id", field="id", model=Material, on_delete="CASCADE")
        position = pw.CharField(max_length=40, default="")
        percent = pw.IntegerField(default=0)
        credited_seconds = pw.IntegerField(default=0)
        heartbeats = pw.IntegerField(default=0)
        opened_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        completed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "learning_progress"
            indexes = [(("deputy", "material"), True), (("material", "completed_at"), False)]

    @migrator.create_model
    class CourseCompletion(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name="deputy_id", field="id", model=deputy_model, on_delete="CASCADE")
        course = pw.ForeignKeyField(column_name="course_id", field="id", model=Course, on_delete="CASCADE")
        completed_at = pw.DateTimeField()

        class Meta:
            table_name = "course_completion"
            indexes = [(("course", "deputy"), True)]

    @migrator.create_model
    class TrainingClass(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        place = pw.CharField(max_length=200)
        starts_on = pw.DateField()
        ends_on = pw.DateField()
        syllabus = pw.TextField(default="")
        created_by = creator_field()
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "training_class"

    @migrator.create_model
    class ClassSession(pw.Model):
        id = pw.AutoField()
        training_class = pw.ForeignKeyField(
            column_name="training_class_id", field="id", model=TrainingClass, on_delete="CASCADE"
        )
        title = pw.CharField(max_length=200)
        starts_at = pw.DateTimeField()
        ends_at = pw.DateTimeField()

        class Meta:
            table_name = "class_session"
            indexes = [(("training_class", "starts_at"), False)]

    @migrator.create_model
    class Invitation(pw.Model):
        id = pw.AutoField()
        training_class = pw.ForeignKeyField(
            column_name="training_class_id", field="id", model=TrainingClass, on_delete="CASCADE"
        )
        deputy = pw.ForeignKeyField(column_name="deputy_id", field="id", model=deputy_model, on_delete="CASCADE")
        reply = pw.CharField(max_length=10, default="invited")
        reason = pw.CharField(max_length=500, null=True)
        replied_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "class_invitation"
            indexes = [(("training_class", "deputy"), True), (("deputy",), False)]

    @migrator.create_model
    class Attendance(pw.Model):
        id = pw.AutoField()
        session = pw.ForeignKeyField(column_name="session_id", field="id", model=ClassSession, on_delete="CASCADE")
        deputy = pw.ForeignKeyField(column_name="deputy_id", field="id", model=deputy_model, on_delete="CASCADE")
        method = pw.CharField(max_length=10)
        at = pw.DateTimeField()
        marked_by = pw.ForeignKeyField(column_name="marked_by_id", field="id", model=user_model, null=True, on_delete="SET NULL")

        class Meta:
            table_name = "class_attendance"
            indexes = [(("session", "deputy"), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ("class_attendance", "class_invitation", "class_session", "training_class", "course_completion",
                  "learning_progress", "course_lesson", "course", "material"):
        migrator.remove_model(table)
