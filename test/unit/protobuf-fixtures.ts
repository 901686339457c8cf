// Request bodies captured from the real kubectl against a throwaway local HTTPS server
// (test/e2e/protobuf-kubectl.test.ts repeats the core of this live when kubectl is installed):
// `protobuf` is what kubectl.1.32 (v1.32.5) sent with Content-Type application/vnd.kubernetes.protobuf
// (kubectl.1.33 v1.33.1 sent identical bytes), `json` what kubectl.1.31 (v1.31.9) sent for the same
// command as application/json. Decoding `protobuf` must give `json` (JSON nulls aside: Go writes
// `null` for nil slices/maps/zero times where protobuf has nothing).
//
// Not protobuf even on 1.32/1.33 (so not here): `run` (pod), `delete` (DeleteOptions), `drain`'s
// eviction, `scale`/`label`/`annotate`/`patch` — all JSON.

export interface CapturedBody {
  command: string;
  method: string;
  path: string;
  /** base64 of the protobuf body. */
  protobuf: string;
  /** The JSON body kubectl 1.31 sent for the same command. */
  json: Record<string, unknown>;
}

export const capturedBodies: readonly CapturedBody[] = [
  {
    command: "kubectl create configmap x --from-literal=a=b",
    method: "POST",
    path: "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf: "azhzAAoPCgJ2MRIJQ29uZmlnTWFwEhsKEQoBeBIAGgAiACoAMgA4AEIAEgYKAWESAWIaACIA",
    json: {
      "kind": "ConfigMap",
      "apiVersion": "v1",
      "metadata": {"name": "x", "creationTimestamp": null},
      "data": {"a": "b"},
    },
  },
  {
    command: "kubectl create deployment web --image=busybox --replicas=2 --port=80",
    method: "POST",
    path: "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50ErwBCh8KA3dlYhIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViEooBCAISDAoKCgNh" +
      "cHASA3dlYhpwChwKABIAGgAiACoAMgA4AEIAWgoKA2FwcBIDd2ViElASMgoHYnVzeWJveBIHYnVzeWJveCoAMgoKABAAGFAiACoA" +
      "QgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgAGgwIABAAGAAgACgAOAAaACIA",
    json: {
      "kind": "Deployment",
      "apiVersion": "apps/v1",
      "metadata": {"name": "web", "creationTimestamp": null, "labels": {"app": "web"}},
      "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
          "metadata": {"creationTimestamp": null, "labels": {"app": "web"}},
          "spec": {
            "containers": [
              {"name": "busybox", "image": "busybox", "ports": [{"containerPort": 80}], "resources": {}},
            ],
          },
        },
        "strategy": {},
      },
      "status": {},
    },
  },
  {
    command: "kubectl create secret generic s --from-literal=p=q",
    method: "POST",
    path: "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf: "azhzAAoMCgJ2MRIGU2VjcmV0Eh0KEQoBcxIAGgAiACoAMgA4AEIAEgYKAXASAXEaABoAIgA=",
    json: {
      "kind": "Secret",
      "apiVersion": "v1",
      "metadata": {"name": "s", "creationTimestamp": null},
      "data": {"p": "cQ=="},
    },
  },
  {
    command: "kubectl create namespace n",
    method: "POST",
    path: "/api/v1/namespaces?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf: "azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhkKEQoBbhIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==",
    json: {
      "kind": "Namespace",
      "apiVersion": "v1",
      "metadata": {"name": "n", "creationTimestamp": null},
      "spec": {},
      "status": {},
    },
  },
  {
    command: "kubectl create serviceaccount sa",
    method: "POST",
    path: "/api/v1/namespaces/default/serviceaccounts?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf: "azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQSFAoSCgJzYRIAGgAiACoAMgA4AEIAGgAiAA==",
    json: {"kind": "ServiceAccount", "apiVersion": "v1", "metadata": {"name": "sa", "creationTimestamp": null}},
  },
  {
    command: "kubectl create service clusterip svc --tcp=80:8080",
    method: "POST",
    path: "/api/v1/namespaces/default/services?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoNCgJ2MRIHU2VydmljZRJpCh8KA3N2YxIAGgAiACoAMgA4AEIAWgoKA2FwcBIDc3ZjEkIKGwoHODAtODA4MBIDVENQGFAi" +
      "BwgAEJA/GgAoABIKCgNhcHASA3N2YxoAIglDbHVzdGVySVA6AEIAUgBaAGAAaAAaAgoAGgAiAA==",
    json: {
      "kind": "Service",
      "apiVersion": "v1",
      "metadata": {"name": "svc", "creationTimestamp": null, "labels": {"app": "svc"}},
      "spec": {
        "ports": [{"name": "80-8080", "protocol": "TCP", "port": 80, "targetPort": 8080}],
        "selector": {"app": "svc"},
        "type": "ClusterIP",
      },
      "status": {"loadBalancer": {}},
    },
  },
  {
    command: "kubectl auth can-i create pods",
    method: "POST",
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    protobuf:
      "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSPwoQCgASABoAIgAqADIAOABC" +
      "ABIhCh8KB2RlZmF1bHQSBmNyZWF0ZRoAIgAqBHBvZHMyADoAGggIABIAGgAgABoAIgA=",
    json: {
      "kind": "SelfSubjectAccessReview",
      "apiVersion": "authorization.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {"resourceAttributes": {"namespace": "default", "verb": "create", "resource": "pods"}},
      "status": {"allowed": false},
    },
  },
  {
    command: "kubectl auth can-i --list",
    method: "POST",
    path: "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
    protobuf:
      "azhzAAoxChdhdXRob3JpemF0aW9uLms4cy5pby92MRIWU2VsZlN1YmplY3RSdWxlc1JldmlldxIjChAKABIAGgAiACoAMgA4AEIA" +
      "EgkKB2RlZmF1bHQaBBgAIgAaACIA",
    json: {
      "kind": "SelfSubjectRulesReview",
      "apiVersion": "authorization.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {"namespace": "default"},
      "status": {"resourceRules": null, "nonResourceRules": null, "incomplete": false},
    },
  },
  {
    command: "kubectl auth whoami",
    method: "POST",
    path: "/apis/authentication.k8s.io/v1/selfsubjectreviews",
    protobuf:
      "azhzAAotChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESEVNlbGZTdWJqZWN0UmV2aWV3EhoKEAoAEgAaACIAKgAyADgAQgASBgoE" +
      "CgASABoAIgA=",
    json: {
      "kind": "SelfSubjectReview",
      "apiVersion": "authentication.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "status": {"userInfo": {}},
    },
  },
  {
    command: "kubectl create token sa",
    method: "POST",
    path: "/api/v1/namespaces/default/serviceaccounts/sa/token",
    protobuf:
      "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBIaChAKABIAGgAiACoAMgA4AEIAEgAaBAoAEgAa" +
      "ACIA",
    json: {
      "kind": "TokenRequest",
      "apiVersion": "authentication.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {"audiences": null, "expirationSeconds": null, "boundObjectRef": null},
      "status": {"token": "", "expirationTimestamp": null},
    },
  },
  {
    command: "kubectl create job j --image=busybox -- echo hi",
    method: "POST",
    path: "/apis/batch/v1/namespaces/default/jobs?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoPCghiYXRjaC92MRIDSm9iEoIBChEKAWoSABoAIgAqADIAOABCABJjMmEKEAoAEgAaACIAKgAyADgAQgASTRIqCgFqEgdi" +
      "dXN5Ym94GgRlY2hvGgJoaSoAQgBqAHIAgAEAiAEAkAEAogEAGgVOZXZlcjIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEAGgggACgA" +
      "MAA6ABoAIgA=",
    json: {
      "kind": "Job",
      "apiVersion": "batch/v1",
      "metadata": {"name": "j", "creationTimestamp": null},
      "spec": {
        "template": {
          "metadata": {"creationTimestamp": null},
          "spec": {
            "containers": [{"name": "j", "image": "busybox", "command": ["echo", "hi"], "resources": {}}],
            "restartPolicy": "Never",
          },
        },
      },
      "status": {},
    },
  },
  {
    command: "kubectl create cronjob cj --image=busybox --schedule=*/1 * * * * -- echo hi",
    method: "POST",
    path: "/apis/batch/v1/namespaces/default/cronjobs?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoTCghiYXRjaC92MRIHQ3JvbkpvYhKoAQoSCgJjahIAGgAiACoAMgA4AEIAEo8BCgsqLzEgKiAqICogKhoAKn4KEgoCY2oS" +
      "ABoAIgAqADIAOABCABJoMmYKEAoAEgAaACIAKgAyADgAQgASUhIrCgJjahIHYnVzeWJveBoEZWNobxoCaGkqAEIAagByAIABAIgB" +
      "AJABAKIBABoJT25GYWlsdXJlMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAaABoAIgA=",
    json: {
      "kind": "CronJob",
      "apiVersion": "batch/v1",
      "metadata": {"name": "cj", "creationTimestamp": null},
      "spec": {
        "schedule": "*/1 * * * *",
        "jobTemplate": {
          "metadata": {"name": "cj", "creationTimestamp": null},
          "spec": {
            "template": {
              "metadata": {"creationTimestamp": null},
              "spec": {
                "containers": [{"name": "cj", "image": "busybox", "command": ["echo", "hi"], "resources": {}}],
                "restartPolicy": "OnFailure",
              },
            },
          },
        },
      },
      "status": {},
    },
  },
  {
    command: "kubectl create poddisruptionbudget pdb --selector=app=web --min-available=1",
    method: "POST",
    path: "/apis/policy/v1/namespaces/default/poddisruptionbudgets?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAogCglwb2xpY3kvdjESE1BvZERpc3J1cHRpb25CdWRnZXQSOQoTCgNwZGISABoAIgAqADIAOABCABIWCgYIABABGgASDAoK" +
      "CgNhcHASA3dlYhoKCAAYACAAKAAwABoAIgA=",
    json: {
      "kind": "PodDisruptionBudget",
      "apiVersion": "policy/v1",
      "metadata": {"name": "pdb", "creationTimestamp": null},
      "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
      "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0},
    },
  },
  {
    command: "kubectl create secret docker-registry reg --docker-server=r.io --docker-username=u --docker-password=p",
    method: "POST",
    path: "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoMCgJ2MRIGU2VjcmV0EowBChMKA3JlZxIAGgAiACoAMgA4AEIAElUKES5kb2NrZXJjb25maWdqc29uEkB7ImF1dGhzIjp7" +
      "InIuaW8iOnsidXNlcm5hbWUiOiJ1IiwicGFzc3dvcmQiOiJwIiwiYXV0aCI6ImRUcHcifX19Gh5rdWJlcm5ldGVzLmlvL2RvY2tl" +
      "cmNvbmZpZ2pzb24aACIA",
    json: {
      "kind": "Secret",
      "apiVersion": "v1",
      "metadata": {"name": "reg", "creationTimestamp": null},
      "data": {
        ".dockerconfigjson": "eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ==",
      },
      "type": "kubernetes.io/dockerconfigjson",
    },
  },
  {
    command: "kubectl create deployment multi --image=nginx --image=redis",
    method: "POST",
    path: "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EtkBCiMKBW11bHRpEgAaACIAKgAyADgAQgBaDAoDYXBwEgVtdWx0aRKjAQgBEg4K" +
      "DAoDYXBwEgVtdWx0aRqGAQoeCgASABoAIgAqADIAOABCAFoMCgNhcHASBW11bHRpEmQSIgoFbmdpbngSBW5naW54KgBCAGoAcgCA" +
      "AQCIAQCQAQCiAQASIgoFcmVkaXMSBXJlZGlzKgBCAGoAcgCAAQCIAQCQAQCiAQAaADIAQgBKAFIAWABgAGgAggEAigEAmgEAwgEA" +
      "IgIKACgAOAAaDAgAEAAYACAAKAA4ABoAIgA=",
    json: {
      "kind": "Deployment",
      "apiVersion": "apps/v1",
      "metadata": {"name": "multi", "creationTimestamp": null, "labels": {"app": "multi"}},
      "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "multi"}},
        "template": {
          "metadata": {"creationTimestamp": null, "labels": {"app": "multi"}},
          "spec": {
            "containers": [
              {"name": "nginx", "image": "nginx", "resources": {}},
              {"name": "redis", "image": "redis", "resources": {}},
            ],
          },
        },
        "strategy": {},
      },
      "status": {},
    },
  },
  {
    command: "kubectl create clusterrole pod-reader --verb=get,list,watch --resource=pods,deployments.apps --resource-name=a",
    method: "POST",
    path: "/apis/rbac.authorization.k8s.io/v1/clusterroles?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtDbHVzdGVyUm9sZRJlChoKCnBvZC1yZWFkZXISABoAIgAqADIA" +
      "OABCABIdCgNnZXQKBGxpc3QKBXdhdGNoEgAaBHBvZHMiAWESKAoDZ2V0CgRsaXN0CgV3YXRjaBIEYXBwcxoLZGVwbG95bWVudHMi" +
      "AWEaACIA",
    json: {
      "kind": "ClusterRole",
      "apiVersion": "rbac.authorization.k8s.io/v1",
      "metadata": {"name": "pod-reader", "creationTimestamp": null},
      "rules": [
        {"verbs": ["get", "list", "watch"], "apiGroups": [""], "resources": ["pods"], "resourceNames": ["a"]},
        {
          "verbs": ["get", "list", "watch"],
          "apiGroups": ["apps"],
          "resources": ["deployments"],
          "resourceNames": ["a"],
        },
      ],
    },
  },
  {
    command: "kubectl create clusterrolebinding crb --clusterrole=pod-reader --user=alice --group=devs --serviceaccount=default:sa",
    method: "POST",
    path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoyChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEhJDbHVzdGVyUm9sZUJpbmRpbmcSxAEKEwoDY3JiEgAaACIAKgAy" +
      "ADgAQgASKgoEVXNlchIZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxoFYWxpY2UiABIqCgVHcm91cBIZcmJhYy5hdXRob3JpemF0" +
      "aW9uLms4cy5pbxoEZGV2cyIAEh8KDlNlcnZpY2VBY2NvdW50EgAaAnNhIgdkZWZhdWx0GjQKGXJiYWMuYXV0aG9yaXphdGlvbi5r" +
      "OHMuaW8SC0NsdXN0ZXJSb2xlGgpwb2QtcmVhZGVyGgAiAA==",
    json: {
      "kind": "ClusterRoleBinding",
      "apiVersion": "rbac.authorization.k8s.io/v1",
      "metadata": {"name": "crb", "creationTimestamp": null},
      "subjects": [
        {"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "alice"},
        {"kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "devs"},
        {"kind": "ServiceAccount", "name": "sa", "namespace": "default"},
      ],
      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "pod-reader"},
    },
  },
  {
    command: "kubectl create role r --verb=get --resource=pods",
    method: "POST",
    path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/roles?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAokChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgRSb2xlEiIKEQoBchIAGgAiACoAMgA4AEIAEg0KA2dldBIAGgRw" +
      "b2RzGgAiAA==",
    json: {
      "kind": "Role",
      "apiVersion": "rbac.authorization.k8s.io/v1",
      "metadata": {"name": "r", "creationTimestamp": null},
      "rules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}],
    },
  },
  {
    command: "kubectl create rolebinding rb --role=r --user=bob",
    method: "POST",
    path: "/apis/rbac.authorization.k8s.io/v1/namespaces/default/rolebindings?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAorChxyYmFjLmF1dGhvcml6YXRpb24uazhzLmlvL3YxEgtSb2xlQmluZGluZxJkChIKAnJiEgAaACIAKgAyADgAQgASKAoE" +
      "VXNlchIZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxoDYm9iIgAaJAoZcmJhYy5hdXRob3JpemF0aW9uLms4cy5pbxIEUm9sZRoB" +
      "choAIgA=",
    json: {
      "kind": "RoleBinding",
      "apiVersion": "rbac.authorization.k8s.io/v1",
      "metadata": {"name": "rb", "creationTimestamp": null},
      "subjects": [{"kind": "User", "apiGroup": "rbac.authorization.k8s.io", "name": "bob"}],
      "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
    },
  },
  {
    command: "kubectl create ingress ing --class=nginx --rule=foo.com/bar*=svc:8080,tls=my-cert --default-backend=defsvc:http",
    method: "POST",
    path: "/apis/networking.k8s.io/v1/namespaces/default/ingresses?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAofChRuZXR3b3JraW5nLms4cy5pby92MRIHSW5ncmVzcxJ7ChMKA2luZxIAGgAiACoAMgA4AEIAEmAKFCISCgZkZWZzdmMS" +
      "CAoEaHR0cBAAEhIKB2Zvby5jb20SB215LWNlcnQaLQoHZm9vLmNvbRIiCiAKHgoEL2JhchIOIgwKA3N2YxIFCgAQkD8aBlByZWZp" +
      "eCIFbmdpbngaAgoAGgAiAA==",
    json: {
      "kind": "Ingress",
      "apiVersion": "networking.k8s.io/v1",
      "metadata": {"name": "ing", "creationTimestamp": null},
      "spec": {
        "ingressClassName": "nginx",
        "defaultBackend": {"service": {"name": "defsvc", "port": {"name": "http"}}},
        "tls": [{"hosts": ["foo.com"], "secretName": "my-cert"}],
        "rules": [
          {
            "host": "foo.com",
            "http": {
              "paths": [
                {
                  "path": "/bar",
                  "pathType": "Prefix",
                  "backend": {"service": {"name": "svc", "port": {"number": 8080}}},
                },
              ],
            },
          },
        ],
      },
      "status": {"loadBalancer": {}},
    },
  },
  {
    command: "kubectl create priorityclass high --value=1000 --description=hi --preemption-policy=Never",
    method: "POST",
    path: "/apis/scheduling.k8s.io/v1/priorityclasses?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAolChRzY2hlZHVsaW5nLms4cy5pby92MRINUHJpb3JpdHlDbGFzcxImChQKBGhpZ2gSABoAIgAqADIAOABCABDoBxgAIgJo" +
      "aSoFTmV2ZXIaACIA",
    json: {
      "kind": "PriorityClass",
      "apiVersion": "scheduling.k8s.io/v1",
      "metadata": {"name": "high", "creationTimestamp": null},
      "value": 1000,
      "description": "hi",
      "preemptionPolicy": "Never",
    },
  },
  {
    command: "kubectl create quota q --hard=cpu=1,memory=1G,pods=2 --scopes=BestEffort",
    method: "POST",
    path: "/api/v1/namespaces/default/resourcequotas?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoTCgJ2MRINUmVzb3VyY2VRdW90YRJMChEKAXESABoAIgAqADIAOABCABI1CgoKA2NwdRIDCgExCg4KBm1lbW9yeRIECgIx" +
      "RwoLCgRwb2RzEgMKATISCkJlc3RFZmZvcnQaABoAIgA=",
    json: {
      "kind": "ResourceQuota",
      "apiVersion": "v1",
      "metadata": {"name": "q", "creationTimestamp": null},
      "spec": {"hard": {"cpu": "1", "memory": "1G", "pods": "2"}, "scopes": ["BestEffort"]},
      "status": {},
    },
  },
  {
    command: "kubectl create secret tls t --cert=tls.crt --key=tls.key",
    method: "POST",
    path: "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoMCgJ2MRIGU2VjcmV0Et8GChEKAXQSABoAIgAqADIAOABCABK2BAoHdGxzLmNydBKqBC0tLS0tQkVHSU4gQ0VSVElGSUNB" +
      "VEUtLS0tLQpNSUlCYkRDQ0FST2dBd0lCQWdJVWJyRHRacFkvNDRKSFZuSlhzclJBUGd0Y2NaUXdDZ1lJS29aSXpqMEVBd0l3CkRE" +
      "RUtNQWdHQTFVRUF3d0JkREFlRncweU5qRXhNalV4T0RJMk5EbGFGdzB5TmpFeE1qZ3hPREkyTkRsYU1Bd3gKQ2pBSUJnTlZCQU1N" +
      "QVhRd1dUQVRCZ2NxaGtqT1BRSUJCZ2dxaGtqT1BRTUJCd05DQUFTb1Y4QkVxSVNBTVhETwoxRHZoSitzaWs1Y0VCaG0rVmYwQUFW" +
      "YW85NDZleGNVbjJrenk5T3hwQWk5NEpzdkZNMnpDS0lOQm90VDZWbUU1CmlGa3ZSQUhxbzFNd1VUQWRCZ05WSFE0RUZnUVVGNkZx" +
      "YTRHWTRLVnk2eXpmajV1NGR4eTdlbUV3SHdZRFZSMGoKQkJnd0ZvQVVGNkZxYTRHWTRLVnk2eXpmajV1NGR4eTdlbUV3RHdZRFZS" +
      "MFRBUUgvQkFVd0F3RUIvekFLQmdncQpoa2pPUFFRREFnTkhBREJFQWlBRTdVaW94YVJDZEZzRGtLTGVqSGFOZThGVUZqVit0b0w3" +
      "bGhNR29VUEJOQUlnClpqRFpXVW0vd043aDMxN1dsWkQvcnhzNjV0d1pTZEsyd3BnS3NiR2k3WEk9Ci0tLS0tRU5EIENFUlRJRklD" +
      "QVRFLS0tLS0KEv0BCgd0bHMua2V5EvEBLS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdF" +
      "R0NDcUdTTTQ5QXdFSEJHMHdhd0lCQVFRZ2ZpRWlvQVZWUTNERS9pR0QKdXNDeWhrS29KZ0doMWRVaHpmYzdGVFhWd0xHaFJBTkNB" +
      "QVNvVjhCRXFJU0FNWERPMUR2aEorc2lrNWNFQmhtKwpWZjBBQVZhbzk0NmV4Y1VuMmt6eTlPeHBBaTk0SnN2Rk0yekNLSU5Cb3RU" +
      "NlZtRTVpRmt2UkFIcQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tChoRa3ViZXJuZXRlcy5pby90bHMaACIA",
    json: {
      "kind": "Secret",
      "apiVersion": "v1",
      "metadata": {"name": "t", "creationTimestamp": null},
      "data": {
        "tls.crt": "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJiRENDQVJPZ0F3SUJBZ0lVYnJEdFpwWS80NEpIVm5KWHNyUkFQZ3RjY1pRd0NnWUlLb1pJemowRUF3SXcKRERFS01BZ0dBMVVFQXd3QmREQWVGdzB5TmpFeE1qVXhPREkyTkRsYUZ3MHlOakV4TWpneE9ESTJORGxhTUF3eApDakFJQmdOVkJBTU1BWFF3V1RBVEJnY3Foa2pPUFFJQkJnZ3Foa2pPUFFNQkJ3TkNBQVNvVjhCRXFJU0FNWERPCjFEdmhKK3NpazVjRUJobStWZjBBQVZhbzk0NmV4Y1VuMmt6eTlPeHBBaTk0SnN2Rk0yekNLSU5Cb3RUNlZtRTUKaUZrdlJBSHFvMU13VVRBZEJnTlZIUTRFRmdRVUY2RnFhNEdZNEtWeTZ5emZqNXU0ZHh5N2VtRXdId1lEVlIwagpCQmd3Rm9BVUY2RnFhNEdZNEtWeTZ5emZqNXU0ZHh5N2VtRXdEd1lEVlIwVEFRSC9CQVV3QXdFQi96QUtCZ2dxCmhrak9QUVFEQWdOSEFEQkVBaUFFN1Vpb3hhUkNkRnNEa0tMZWpIYU5lOEZVRmpWK3RvTDdsaE1Hb1VQQk5BSWcKWmpEWldVbS93TjdoMzE3V2xaRC9yeHM2NXR3WlNkSzJ3cGdLc2JHaTdYST0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=",
        "tls.key": "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JR0hBZ0VBTUJNR0J5cUdTTTQ5QWdFR0NDcUdTTTQ5QXdFSEJHMHdhd0lCQVFRZ2ZpRWlvQVZWUTNERS9pR0QKdXNDeWhrS29KZ0doMWRVaHpmYzdGVFhWd0xHaFJBTkNBQVNvVjhCRXFJU0FNWERPMUR2aEorc2lrNWNFQmhtKwpWZjBBQVZhbzk0NmV4Y1VuMmt6eTlPeHBBaTk0SnN2Rk0yekNLSU5Cb3RUNlZtRTVpRmt2UkFIcQotLS0tLUVORCBQUklWQVRFIEtFWS0tLS0tCg==",
      },
      "type": "kubernetes.io/tls",
    },
  },
  {
    command: "kubectl create service nodeport np --tcp=5678:8080 --node-port=30080",
    method: "POST",
    path: "/api/v1/namespaces/default/services?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoNCgJ2MRIHU2VydmljZRJqCh0KAm5wEgAaACIAKgAyADgAQgBaCQoDYXBwEgJucBJFCiAKCTU2NzgtODA4MBIDVENQGK4s" +
      "IgcIABCQPxoAKIDrARIJCgNhcHASAm5wGgAiCE5vZGVQb3J0OgBCAFIAWgBgAGgAGgIKABoAIgA=",
    json: {
      "kind": "Service",
      "apiVersion": "v1",
      "metadata": {"name": "np", "creationTimestamp": null, "labels": {"app": "np"}},
      "spec": {
        "ports": [{"name": "5678-8080", "protocol": "TCP", "port": 5678, "targetPort": 8080, "nodePort": 30080}],
        "selector": {"app": "np"},
        "type": "NodePort",
      },
      "status": {"loadBalancer": {}},
    },
  },
  {
    command: "kubectl create service externalname en --external-name=example.com",
    method: "POST",
    path: "/api/v1/namespaces/default/services?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoNCgJ2MRIHU2VydmljZRJXCh0KAmVuEgAaACIAKgAyADgAQgBaCQoDYXBwEgJlbhIyEgkKA2FwcBICZW4aACIMRXh0ZXJu" +
      "YWxOYW1lOgBCAFILZXhhbXBsZS5jb21aAGAAaAAaAgoAGgAiAA==",
    json: {
      "kind": "Service",
      "apiVersion": "v1",
      "metadata": {"name": "en", "creationTimestamp": null, "labels": {"app": "en"}},
      "spec": {"selector": {"app": "en"}, "type": "ExternalName", "externalName": "example.com"},
      "status": {"loadBalancer": {}},
    },
  },
  {
    command: "kubectl create service loadbalancer lb --tcp=80:http",
    method: "POST",
    path: "/api/v1/namespaces/default/services?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoNCgJ2MRIHU2VydmljZRJsCh0KAmxiEgAaACIAKgAyADgAQgBaCQoDYXBwEgJsYhJHCh4KBzgwLWh0dHASA1RDUBhQIgoI" +
      "ARAAGgRodHRwKAASCQoDYXBwEgJsYhoAIgxMb2FkQmFsYW5jZXI6AEIAUgBaAGAAaAAaAgoAGgAiAA==",
    json: {
      "kind": "Service",
      "apiVersion": "v1",
      "metadata": {"name": "lb", "creationTimestamp": null, "labels": {"app": "lb"}},
      "spec": {
        "ports": [{"name": "80-http", "protocol": "TCP", "port": 80, "targetPort": "http"}],
        "selector": {"app": "lb"},
        "type": "LoadBalancer",
      },
      "status": {"loadBalancer": {}},
    },
  },
  {
    command: "kubectl create token sa --audience=a1 --audience=a2 --duration=1h --bound-object-kind=Pod --bound-object-name=p --bound-object-uid=u1",
    method: "POST",
    path: "/api/v1/namespaces/default/serviceaccounts/sa/token",
    protobuf:
      "azhzAAooChhhdXRoZW50aWNhdGlvbi5rOHMuaW8vdjESDFRva2VuUmVxdWVzdBI3ChAKABIAGgAiACoAMgA4AEIAEh0KAmExCgJh" +
      "MhoQCgNQb2QSAnYxGgFwIgJ1MSCQHBoECgASABoAIgA=",
    json: {
      "kind": "TokenRequest",
      "apiVersion": "authentication.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {
        "audiences": ["a1", "a2"],
        "expirationSeconds": 3600,
        "boundObjectRef": {"kind": "Pod", "apiVersion": "v1", "name": "p", "uid": "u1"},
      },
      "status": {"token": "", "expirationTimestamp": null},
    },
  },
  {
    command: "kubectl auth can-i get pods/log --subresource=log -n kube-system",
    method: "POST",
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    protobuf:
      "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSRgoQCgASABoAIgAqADIAOABC" +
      "ABIoCiYKC2t1YmUtc3lzdGVtEgNnZXQaACIAKgRwb2RzMgNsb2c6A2xvZxoICAASABoAIAAaACIA",
    json: {
      "kind": "SelfSubjectAccessReview",
      "apiVersion": "authorization.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {
        "resourceAttributes": {
          "namespace": "kube-system",
          "verb": "get",
          "resource": "pods",
          "subresource": "log",
          "name": "log",
        },
      },
      "status": {"allowed": false},
    },
  },
  {
    command: "kubectl auth can-i get /logs",
    method: "POST",
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    protobuf:
      "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSLAoQCgASABoAIgAqADIAOABC" +
      "ABIOEgwKBS9sb2dzEgNnZXQaCAgAEgAaACAAGgAiAA==",
    json: {
      "kind": "SelfSubjectAccessReview",
      "apiVersion": "authorization.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {"nonResourceAttributes": {"path": "/logs", "verb": "get"}},
      "status": {"allowed": false},
    },
  },
  {
    command: "kubectl auth can-i list secrets --all-namespaces",
    method: "POST",
    path: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
    protobuf:
      "azhzAAoyChdhdXRob3JpemF0aW9uLms4cy5pby92MRIXU2VsZlN1YmplY3RBY2Nlc3NSZXZpZXcSOQoQCgASABoAIgAqADIAOABC" +
      "ABIbChkKABIEbGlzdBoAIgAqB3NlY3JldHMyADoAGggIABIAGgAgABoAIgA=",
    json: {
      "kind": "SelfSubjectAccessReview",
      "apiVersion": "authorization.k8s.io/v1",
      "metadata": {"creationTimestamp": null},
      "spec": {"resourceAttributes": {"verb": "list", "resource": "secrets"}},
      "status": {"allowed": false},
    },
  },
  {
    command: "kubectl create deployment full --image=nginx:1 --replicas=0 --port=8080 -- sh -c sleep 1",
    method: "POST",
    path: "/apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EtEBCiEKBGZ1bGwSABoAIgAqADIAOABCAFoLCgNhcHASBGZ1bGwSnQEIABINCgsK" +
      "A2FwcBIEZnVsbBqBAQodCgASABoAIgAqADIAOABCAFoLCgNhcHASBGZ1bGwSYBJCCgVuZ2lueBIHbmdpbng6MRoCc2gaAi1jGgdz" +
      "bGVlcCAxKgAyCwoAEAAYkD8iACoAQgBqAHIAgAEAiAEAkAEAogEAGgAyAEIASgBSAFgAYABoAIIBAIoBAJoBAMIBACICCgAoADgA" +
      "GgwIABAAGAAgACgAOAAaACIA",
    json: {
      "kind": "Deployment",
      "apiVersion": "apps/v1",
      "metadata": {"name": "full", "creationTimestamp": null, "labels": {"app": "full"}},
      "spec": {
        "replicas": 0,
        "selector": {"matchLabels": {"app": "full"}},
        "template": {
          "metadata": {"creationTimestamp": null, "labels": {"app": "full"}},
          "spec": {
            "containers": [
              {
                "name": "nginx",
                "image": "nginx:1",
                "command": ["sh", "-c", "sleep 1"],
                "ports": [{"containerPort": 8080}],
                "resources": {},
              },
            ],
          },
        },
        "strategy": {},
      },
      "status": {},
    },
  },
  {
    command: "kubectl create configmap bin --from-file=tls.key --from-literal=k=v",
    method: "POST",
    path: "/api/v1/namespaces/default/configmaps?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf:
      "azhzAAoPCgJ2MRIJQ29uZmlnTWFwEp0CChMKA2JpbhIAGgAiACoAMgA4AEIAEgYKAWsSAXYS/QEKB3Rscy5rZXkS8QEtLS0tLUJF" +
      "R0lOIFBSSVZBVEUgS0VZLS0tLS0KTUlHSEFnRUFNQk1HQnlxR1NNNDlBZ0VHQ0NxR1NNNDlBd0VIQkcwd2F3SUJBUVFnZmlFaW9B" +
      "VlZRM0RFL2lHRAp1c0N5aGtLb0pnR2gxZFVoemZjN0ZUWFZ3TEdoUkFOQ0FBU29WOEJFcUlTQU1YRE8xRHZoSitzaWs1Y0VCaG0r" +
      "ClZmMEFBVmFvOTQ2ZXhjVW4ya3p5OU94cEFpOTRKc3ZGTTJ6Q0tJTkJvdFQ2Vm1FNWlGa3ZSQUhxCi0tLS0tRU5EIFBSSVZBVEUg" +
      "S0VZLS0tLS0KGgAiAA==",
    json: {
      "kind": "ConfigMap",
      "apiVersion": "v1",
      "metadata": {"name": "bin", "creationTimestamp": null},
      "data": {
        "k": "v",
        "tls.key": "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgfiEioAVVQ3DE/iGD\nusCyhkKoJgGh1dUhzfc7FTXVwLGhRANCAASoV8BEqISAMXDO1DvhJ+sik5cEBhm+\nVf0AAVao946excUn2kzy9OxpAi94JsvFM2zCKINBotT6VmE5iFkvRAHq\n-----END PRIVATE KEY-----\n",
      },
    },
  },
  {
    command: "kubectl create secret generic sg --from-literal=a= --type=Opaque",
    method: "POST",
    path: "/api/v1/namespaces/default/secrets?fieldManager=kubectl-create&fieldValidation=Strict",
    protobuf: "azhzAAoMCgJ2MRIGU2VjcmV0EiMKEgoCc2cSABoAIgAqADIAOABCABIFCgFhEgAaBk9wYXF1ZRoAIgA=",
    json: {
      "kind": "Secret",
      "apiVersion": "v1",
      "metadata": {"name": "sg", "creationTimestamp": null},
      "data": {"a": ""},
      "type": "Opaque",
    },
  },
];
