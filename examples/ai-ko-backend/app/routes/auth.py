from urllib.parse import urlencode

import requests
from flask import Blueprint, current_app, jsonify, request
from flask_jwt_extended import create_access_token, get_jwt_identity, jwt_required
from marshmallow import ValidationError

from app.extensions import db
from app.models import User
from app.schemas import LoginSchema, RegisterSchema

auth_bp = Blueprint("auth", __name__)

GOOGLE_AUTH_URL = "https://accounts.google.com/o/oauth2/v2/auth"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
GOOGLE_USERINFO_URL = "https://openidconnect.googleapis.com/v1/userinfo"


def _token_for(user):
    return create_access_token(identity=str(user.id), additional_claims={"email": user.email})


@auth_bp.post("/register")
def register():
    try:
        data = RegisterSchema().load(request.get_json() or {})
    except ValidationError as err:
        return jsonify(errors=err.messages), 400
    if User.query.filter_by(email=data["email"]).first():
        return jsonify(error="email already registered"), 409
    user = User(email=data["email"], name=data["name"])
    user.set_password(data["password"])
    db.session.add(user)
    db.session.commit()
    return jsonify(access_token=_token_for(user)), 201


@auth_bp.post("/login")
def login():
    try:
        data = LoginSchema().load(request.get_json() or {})
    except ValidationError as err:
        return jsonify(errors=err.messages), 400
    user = User.query.filter_by(email=data["email"]).first()
    if not user or not user.check_password(data["password"]):
        return jsonify(error="invalid credentials"), 401
    return jsonify(access_token=_token_for(user))


@auth_bp.get("/me")
@jwt_required()
def me():
    user = db.session.get(User, int(get_jwt_identity()))
    return jsonify(id=user.id, email=user.email, name=user.name)


@auth_bp.get("/google/url")
def google_url():
    params = {
        "client_id": current_app.config["GOOGLE_CLIENT_ID"],
        "redirect_uri": current_app.config["GOOGLE_REDIRECT_URI"],
        "response_type": "code",
        "scope": "openid email profile",
        "access_type": "online",
        "prompt": "select_account",
    }
    return jsonify(url=f"{GOOGLE_AUTH_URL}?{urlencode(params)}")


@auth_bp.post("/google/callback")
def google_callback():
    # The Vercel front end receives the redirect and forwards the code here.
    code = (request.get_json() or {}).get("code")
    if not code:
        return jsonify(error="missing code"), 400

    token_resp = requests.post(
        GOOGLE_TOKEN_URL,
        data={
            "code": code,
            "client_id": current_app.config["GOOGLE_CLIENT_ID"],
            "client_secret": current_app.config["GOOGLE_CLIENT_SECRET"],
            "redirect_uri": current_app.config["GOOGLE_REDIRECT_URI"],
            "grant_type": "authorization_code",
        },
        timeout=10,
    )
    if token_resp.status_code != 200:
        return jsonify(error="google token exchange failed"), 401

    info = requests.get(
        GOOGLE_USERINFO_URL,
        headers={"Authorization": f"Bearer {token_resp.json()['access_token']}"},
        timeout=10,
    ).json()

    user = User.query.filter_by(google_id=info["sub"]).first()
    if user is None:
        user = User.query.filter_by(email=info["email"]).first() or User(email=info["email"])
        user.google_id = info["sub"]
        user.name = user.name or info.get("name")
        db.session.add(user)
        db.session.commit()
    return jsonify(access_token=_token_for(user))
