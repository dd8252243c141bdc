"""A worker that fits a small classifier at start, then scores requests from memory."""
import time

from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

X, y = make_classification(n_samples=3000, n_features=20, n_informative=8, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
forest = RandomForestClassifier(n_estimators=50, max_depth=8, random_state=0, n_jobs=1).fit(X_train, y_train)
linear = LogisticRegression(max_iter=500).fit(X_train, y_train)
print(f"forest {forest.score(X_test, y_test):.3f}, logistic {linear.score(X_test, y_test):.3f}")
print("ready", flush=True)
while True:
    time.sleep(3600)
