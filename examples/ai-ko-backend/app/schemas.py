from marshmallow import Schema, fields, validate


class RegisterSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(min=8))
    name = fields.String(load_default=None)


class LoginSchema(Schema):
    email = fields.Email(required=True)
    password = fields.String(required=True)


class AnalysisSchema(Schema):
    summary = fields.String()
    sentiment_label = fields.String()
    sentiment_score = fields.Float()
    word_count = fields.Integer()


class DocumentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    status = fields.String()
    created_at = fields.DateTime()
    analysis = fields.Nested(AnalysisSchema, allow_none=True)


class ChatSchema(Schema):
    message = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    document_id = fields.Integer(load_default=None)
