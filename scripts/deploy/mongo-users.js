/* global db, print */
// Run once by compose's mongo-users step (mongosh, as root): one user per
// subgraph with readWrite on its own database only, from what keygen wrote
// (scripts/keygen.js --mongo-init). Rerunnable: existing users get the
// current password and roles.
const users = JSON.parse(require('fs').readFileSync('/mongo-init/users.json', 'utf8'));
const admin = db.getSiblingDB('admin');
for (const { user, pwd, db: name } of users) {
  const roles = [{ role: 'readWrite', db: name }];
  if (admin.getUser(user)) admin.updateUser(user, { pwd, roles });
  else admin.createUser({ user, pwd, roles });
  print(`mongo-users: ${user} may read and write ${name} only`);
}
