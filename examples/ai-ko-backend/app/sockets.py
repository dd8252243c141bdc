from flask import request
from flask_jwt_extended import decode_token
from flask_socketio import disconnect, emit, join_room, leave_room

from app.extensions import socketio
from app.services.hf_inference import InferenceError, generate

# sid -> user id, filled on connect once the JWT is verified
connected_users = {}


@socketio.on("connect")
def on_connect(auth):
    token = (auth or {}).get("token")
    try:
        claims = decode_token(token)
    except Exception:
        disconnect()
        return False
    connected_users[request.sid] = claims["sub"]
    emit("connected", {"user_id": claims["sub"]})


@socketio.on("disconnect")
def on_disconnect():
    connected_users.pop(request.sid, None)


@socketio.on("join_document")
def on_join_document(data):
    join_room(f"doc_{data['document_id']}")


@socketio.on("leave_document")
def on_leave_document(data):
    leave_room(f"doc_{data['document_id']}")


@socketio.on("chat_message")
def on_chat_message(data):
    if request.sid not in connected_users:
        return
    emit("chat_typing", {"typing": True})
    try:
        answer = generate(f"<s>[INST] {data.get('message', '')} [/INST]")
        emit("chat_response", {"answer": answer})
    except InferenceError as exc:
        emit("chat_error", {"error": str(exc)})
